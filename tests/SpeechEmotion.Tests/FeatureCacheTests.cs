using SpeechEmotion.Features;
using SpeechEmotion.Tests.Support;

namespace SpeechEmotion.Tests;

/// <summary>The on-disk feature cache: a hit gives the stored values without computing; a changed file, another front
/// end or speed, or a damaged entry is computed again.</summary>
public class FeatureCacheTests
{
    [Test]
    public void Hits_misses_and_damaged_entries()
    {
        using var dir = new TempDir();
        string wav = dir.File("a.wav", new byte[100]);
        var cache = new FeatureCache(Path.Combine(dir.Path, "cache"));
        int computed = 0;
        float[] Compute()
        {
            computed++;
            return [1, 2, 3, 4, 5, 6];
        }
        var frontEnd = FrontEnd.Mel(3);
        Assert.That(cache.GetOrCompute(wav, frontEnd, 1, Compute), Is.EqualTo(new float[] { 1, 2, 3, 4, 5, 6 }));
        Assert.That(cache.GetOrCompute(wav, frontEnd, 1, Compute), Is.EqualTo(new float[] { 1, 2, 3, 4, 5, 6 }));
        Assert.That(computed, Is.EqualTo(1), "the second call is a hit");
        cache.GetOrCompute(wav, frontEnd, 0.9, Compute);
        cache.GetOrCompute(
            wav,
            FrontEnd.Mel(2),
            1,
            () =>
            {
                computed++;
                return [1, 2];
            }
        );
        Assert.That(computed, Is.EqualTo(3), "speed and front end are part of the key");

        var entries = Directory.GetFiles(cache.Folder, "*.f32", SearchOption.AllDirectories);
        Assert.That(entries, Has.Length.EqualTo(3));
        foreach (var entry in entries)
            File.WriteAllBytes(entry, File.ReadAllBytes(entry)[..^2]); // truncated
        cache.GetOrCompute(wav, frontEnd, 1, Compute);
        Assert.That(computed, Is.EqualTo(4), "a damaged entry is computed again");

        File.SetLastWriteTimeUtc(wav, DateTime.UtcNow.AddMinutes(5));
        cache.GetOrCompute(wav, frontEnd, 1, Compute);
        Assert.That(computed, Is.EqualTo(5), "a changed file is computed again");
    }
}
