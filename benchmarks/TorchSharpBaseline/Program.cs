using TorchSharpBaseline;

// golden OUT.json  : forward, loss and every gradient of a small padded batch with TorchSharp's own weights
// bench [--quick] [--frames N] : timed training step and inference at the paper configuration (see
// compare-torchsharp.sh)
return args.FirstOrDefault() switch
{
    "golden" => Golden.Write(args.Length > 1 ? args[1] : "golden.json"),
    "bench" => Bench.Run(args.Skip(1).ToArray()),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: TorchSharpBaseline golden OUT.json | bench [--quick] [--frames N]");
    return 2;
}
