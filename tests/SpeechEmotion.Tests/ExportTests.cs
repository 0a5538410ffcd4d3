using System.Buffers.Binary;
using System.Text.Json.Nodes;
using SpeechEmotion.Serialization;
using SpeechEmotion.Tests.Support;

namespace SpeechEmotion.Tests;

/// <summary>`ser export … --format safetensors` and `ser import`: PyTorch names and shapes, and a lossless round
/// trip.</summary>
public class ExportTests
{
    [Category("Slow")]
    [TestCase("emodb", 64, 400)]
    [TestCase("emodb-speaker", 128, 198)]
    public void Safetensors_round_trip_is_value_for_value_with_pytorch_names_and_shapes(
        string name,
        int hidden,
        int input
    )
    {
        using var dir = new TempDir();
        string model = RecognizerTests.ShippedModel(name);
        string exported = Path.Combine(dir.Path, name + ".safetensors");
        string imported = Path.Combine(dir.Path, name + ".ser");
        Assert.That(SerProcess.Run("export", model, exported).ExitCode, Is.EqualTo(0));
        var back = SerProcess.Run("import", exported, imported);
        Assert.That(back.ExitCode, Is.EqualTo(0), back.Output);

        var original = SavedModel.Load(model);
        var copy = SavedModel.Load(imported);
        Assert.That(copy.Config, Is.EqualTo(original.Config));
        Assert.That(copy.Labels, Is.EqualTo(original.Labels));
        Assert.That(copy.Normalization, Is.EqualTo(original.Normalization));
        Assert.That(copy.Normalizer.Mean, Is.EqualTo(original.Normalizer.Mean));
        Assert.That(copy.Normalizer.Std, Is.EqualTo(original.Normalizer.Std));
        Assert.That(copy.Parameters.Keys, Is.EquivalentTo(original.Parameters.Keys));
        foreach (var (key, values) in original.Parameters)
            // Float equality: bit for bit but NaN, and there are none.
            Assert.That(copy.Parameters[key].SequenceEqual(values), key);

        // The file itself, read without our reader: safetensors layout, PyTorch shapes.
        var bytes = File.ReadAllBytes(exported);
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.That(headerLength % 8, Is.EqualTo(0));
        var header = JsonNode.Parse(bytes.AsSpan(8, headerLength))!.AsObject();
        int[] Shape(string tensor) => header[tensor]!["shape"]!.AsArray().Select(d => d!.GetValue<int>()).ToArray();
        Assert.That(Shape("gru.weight_ih_l0"), Is.EqualTo(new[] { 3 * hidden, input }));
        Assert.That(Shape("gru.weight_hh_l0_reverse"), Is.EqualTo(new[] { 3 * hidden, hidden }));
        Assert.That(Shape("attention.in_proj_weight"), Is.EqualTo(new[] { 6 * hidden, 2 * hidden }));
        Assert.That(Shape("fc2.weight"), Is.EqualTo(new[] { 7, 128 }));
        var fc2 = header["fc2.bias"]!["data_offsets"]!.AsArray().Select(o => o!.GetValue<int>()).ToArray();
        var raw = bytes.AsSpan(8 + headerLength + fc2[0], fc2[1] - fc2[0]).ToArray();
        Assert.That(
            Enumerable.Range(0, 7).Select(i => BitConverter.ToSingle(raw, 4 * i)),
            Is.EqualTo(original.Parameters["fc2.bias"])
        );
    }

    [Test]
    public void A_damaged_or_foreign_safetensors_file_is_refused_with_the_reason()
    {
        using var dir = new TempDir();
        var huge = new byte[64];
        BinaryPrimitives.WriteUInt64LittleEndian(huge, ulong.MaxValue);
        string hugePath = dir.File("huge.safetensors", huge);
        Assert.That(
            () => ModelExport.FromSafeTensors(hugePath),
            Throws.InstanceOf<ModelFileException>().With.Message.Contains("not a safetensors file")
        );
        string foreign = Path.Combine(dir.Path, "foreign.safetensors");
        SafeTensors.Write(foreign, [new NamedTensor("w", [2], [1f, 2f])], new Dictionary<string, string>());
        Assert.That(
            () => ModelExport.FromSafeTensors(foreign),
            Throws.InstanceOf<ModelFileException>().With.Message.Contains("not exported by `ser export`")
        );
        var text = """{"w":{"dtype":"F32","shape":[1000000],"data_offsets":[0,4000000]}}"""u8.ToArray();
        var lying = new byte[8 + text.Length + 8];
        BinaryPrimitives.WriteUInt64LittleEndian(lying, (ulong)text.Length);
        text.CopyTo(lying, 8);
        string lyingPath = dir.File("lying.safetensors", lying);
        Assert.That(
            () => SafeTensors.Read(lyingPath),
            Throws.InstanceOf<ModelFileException>().With.Message.Contains("inconsistent shape and offsets")
        );
    }
}
