using SpeechEmotion.Training;

namespace SpeechEmotion.Tests;

public class BatchPlanTests
{
    [Test]
    public void Batches_are_length_sorted_chunks_and_a_budget_closes_them_early_for_long_items()
    {
        int[] frames = [300, 100, 1000, 200, 1000, 100, 300];
        Assert.That(BatchPlan.Batches(frames, 3), Is.EqualTo(new[] { new[] { 1, 5, 3 }, [0, 6, 2], [4] }));
        // B × T² ≤ 2·10⁶: three items of 300 frames fit (270 000), a second 1000-frame item joins the first (2·10⁶),
        // but 300 and 1000 together would not (2·10⁶ < 3·10⁶).
        Assert.That(BatchPlan.Batches(frames, 16, 2_000_000), Is.EqualTo(new[] { new[] { 1, 5, 3, 0, 6 }, [2, 4] }));
        Assert.That(
            BatchPlan.Batches([5000, 5000], 16, 2_000_000),
            Is.EqualTo(new[] { new[] { 0 }, [1] }),
            "an item over the budget still gets a batch of its own"
        );
    }
}
