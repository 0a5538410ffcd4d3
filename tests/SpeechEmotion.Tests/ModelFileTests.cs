using System.Text.Json.Nodes;
using SpeechEmotion.Features;
using SpeechEmotion.Model;
using SpeechEmotion.Serialization;
using SpeechEmotion.Tests.Support;

namespace SpeechEmotion.Tests;

public class ModelFileTests
{
    private static string Write(TempDir dir)
    {
        var model = new SavedModel(
            new ModelConfig
            {
                Hidden = 2,
                Heads = 1,
                FcSize = 3,
                Classes = 2,
                InputSize = 3,
            },
            ["a", "b"],
            new FeatureNormalizer([1f, 2f, 3f], [1f, 1f, 2f]),
            new Dictionary<string, float[]> { ["w"] = [1.5f, -2f] },
            new JsonObject { ["ua"] = 0.5 }
        );
        var path = Path.Combine(dir.Path, "model.ser");
        model.Save(path);
        return path;
    }

    [Test]
    public void Round_trip_keeps_everything_and_leaves_no_temporary_file()
    {
        using var dir = new TempDir();
        var path = Write(dir);
        var loaded = SavedModel.Load(path);
        Assert.That(loaded.Parameters["w"], Is.EqualTo(new[] { 1.5f, -2f }));
        Assert.That(loaded.Normalizer.Std, Is.EqualTo(new[] { 1f, 1f, 2f }));
        Assert.That(loaded.Summary["ua"]!.GetValue<double>(), Is.EqualTo(0.5));
        Assert.That(Directory.GetFiles(dir.Path), Is.EqualTo(new[] { path }));
    }

    private static IEnumerable<TestCaseData> Damage()
    {
        yield return new TestCaseData((Func<byte[], byte[]>)(b => b[..(b.Length - 40)]), "truncated").SetName(
            "Truncated file"
        );
        yield return new TestCaseData(
            (Func<byte[], byte[]>)(
                b =>
                {
                    b[^40] ^= 0x10;
                    return b;
                }
            ),
            "checksum mismatch"
        ).SetName("Flipped bit");
        yield return new TestCaseData(
            (Func<byte[], byte[]>)(
                b =>
                {
                    b[0] = (byte)'X';
                    return b;
                }
            ),
            "wrong magic"
        ).SetName("Wrong magic");
        yield return new TestCaseData(
            (Func<byte[], byte[]>)(
                b =>
                {
                    b[8] = 9;
                    return b;
                }
            ),
            "newer version"
        ).SetName("Newer version");
        yield return new TestCaseData((Func<byte[], byte[]>)(b => b[..10]), "wrong magic|truncated").SetName(
            "Header cut"
        );
        yield return new TestCaseData((Func<byte[], byte[]>)(_ => "hello"u8.ToArray()), "wrong magic").SetName(
            "Not a model"
        );
    }

    /// <summary>Files made on purpose to hurt a reader: each is refused with the file named, before any large
    /// allocation (a sparse 1.9 GB file is rejected after its first 16 bytes).</summary>
    [Test]
    public void Hostile_files_are_refused_before_they_cost_memory()
    {
        using var dir = new TempDir();
        var labels = new[] { "a", "b" };
        var normalizer = new FeatureNormalizer([1f, 2f, 3f], [1f, 1f, 2f]);
        string Save(string name, ModelConfig config, IReadOnlyList<string> l, float[] w)
        {
            var path = Path.Combine(dir.Path, name);
            new SavedModel(config, l, normalizer, new Dictionary<string, float[]> { ["w"] = w }, []).Save(path);
            return path;
        }
        var small = new ModelConfig
        {
            Hidden = 2,
            Heads = 1,
            FcSize = 3,
            Classes = 2,
            InputSize = 3,
        };
        void Refused(string path, string reason) =>
            Assert.That(
                () => SavedModel.Load(path),
                Throws
                    .InstanceOf<ModelFileException>()
                    .With.Message.StartsWith(path + ": ")
                    .And.Message.Contains(reason)
            );
        Refused(Save("huge.ser", small with { Hidden = 6000 }, labels, [1f]), "out of range");
        Refused(Save("nan.ser", small, labels, [1f, float.NaN]), "tensor param:w holds NaN");
        Refused(Save("twice.ser", small, ["a", "a"], [1f]), "label 'a' appears twice");

        var header = "{\"tensors\":[{\"name\":\"w\",\"length\":2147483647}]}"u8.ToArray();
        var claim = Path.Combine(dir.Path, "claim.ser");
        File.WriteAllBytes(
            claim,
            [
                .. "SERMODEL"u8,
                .. BitConverter.GetBytes(1),
                .. BitConverter.GetBytes(header.Length),
                .. header,
                .. new byte[32],
            ]
        );
        Refused(claim, "claims 2147483647 values");

        var junk = Path.Combine(dir.Path, "junk.ser");
        using (var f = File.Create(junk))
            f.SetLength(1_900_000_000);
        Refused(junk, "wrong magic");

        var paper = small with { InputSize = 400 }; // the front end must exist: 400 linear bins
        var normalizer400 = new FeatureNormalizer(new float[400], Enumerable.Repeat(1f, 400).ToArray());
        var lacking = Path.Combine(dir.Path, "lacking.ser"); // no parameter of the network is called "w"
        new SavedModel(paper, labels, normalizer400, new Dictionary<string, float[]> { ["w"] = [1f] }, []).Save(
            lacking
        );
        Assert.That(
            () => EmotionRecognizer.FromFile(lacking),
            Throws
                .InstanceOf<ModelFileException>()
                .With.Message.StartsWith(lacking + ": ")
                .And.Message.Contains("lacks parameter")
        );
    }

    [TestCaseSource(nameof(Damage))]
    public void Damaged_file_is_refused_with_the_reason(Func<byte[], byte[]> damage, string reason)
    {
        using var dir = new TempDir();
        var path = Write(dir);
        File.WriteAllBytes(path, damage(File.ReadAllBytes(path)));
        var e = Assert.Throws<ModelFileException>(() => SavedModel.Load(path))!;
        Assert.That(e.Message, Does.StartWith(path + ": "));
        Assert.That(e.Message, Does.Match(reason));
    }
}
