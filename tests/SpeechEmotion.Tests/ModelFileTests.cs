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
        var model = new SavedModel(new ModelConfig { Hidden = 2, Heads = 1, FcSize = 3, Classes = 2, InputSize = 3 }, ["a", "b"],
            new FeatureNormalizer([1f, 2f, 3f], [1f, 1f, 2f]), new Dictionary<string, float[]> { ["w"] = [1.5f, -2f] }, new JsonObject { ["ua"] = 0.5 });
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
        yield return new TestCaseData((Func<byte[], byte[]>)(b => b[..(b.Length - 40)]), "truncated").SetName("Truncated file");
        yield return new TestCaseData((Func<byte[], byte[]>)(b => { b[^40] ^= 0x10; return b; }), "checksum mismatch").SetName("Flipped bit");
        yield return new TestCaseData((Func<byte[], byte[]>)(b => { b[0] = (byte)'X'; return b; }), "wrong magic").SetName("Wrong magic");
        yield return new TestCaseData((Func<byte[], byte[]>)(b => { b[8] = 9; return b; }), "newer version").SetName("Newer version");
        yield return new TestCaseData((Func<byte[], byte[]>)(b => b[..10]), "wrong magic|truncated").SetName("Header cut");
        yield return new TestCaseData((Func<byte[], byte[]>)(_ => "hello"u8.ToArray()), "wrong magic").SetName("Not a model");
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
