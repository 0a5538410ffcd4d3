using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace SpeechEmotion.Benchmarks;

/// <summary>Benchmarks that know how many floating-point operations one invocation does (from the op definitions,
/// <c>KernelOps</c>; NaN for data movement).</summary>
public interface IFlopCount
{
    double Flops();
}

/// <summary>A BenchmarkDotNet column: achieved GFLOP/s = FLOPs per invocation / mean time.</summary>
public sealed class GflopsColumn : IColumn
{
    public string Id => "GFLOPs";
    public string ColumnName => "GFLOP/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Achieved GFLOP/s (FLOPs per call / mean time)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var report = summary[benchmarkCase];
        if (report?.ResultStatistics is not { } stats)
            return "-";
        var instance = Activator.CreateInstance(benchmarkCase.Descriptor.Type) as IFlopCount;
        if (instance is null)
            return "-";
        foreach (var p in benchmarkCase.Parameters.Items)
            benchmarkCase.Descriptor.Type.GetProperty(p.Name)?.SetValue(instance, p.Value);
        double flops = instance.Flops();
        if (double.IsNaN(flops))
            return "-"; // data movement
        return (flops / stats.Mean).ToString("F2"); // FLOPs per nanosecond = GFLOP/s
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
        GetValue(summary, benchmarkCase);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;
}

/// <summary>Adds <see cref="GflopsColumn"/> to a benchmark class.</summary>
public sealed class GflopsConfig : BenchmarkDotNet.Configs.ManualConfig
{
    public GflopsConfig() => AddColumn(new GflopsColumn(), StatisticColumn.Median);
}
