using BenchmarkDotNet.Running;
using SpeechEmotion.Benchmarks;

// "paper-steps [--quick] [--frames N]" prints plain timings for benchmarks/compare-torchsharp.sh; anything else goes
// to BenchmarkDotNet.
if (args.FirstOrDefault() == "paper-steps") return PaperSteps.Run(args);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
