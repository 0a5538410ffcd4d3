using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using SpeechEmotion.Evaluation;
using SpeechEmotion.Model;
using SpeechEmotion.Serialization;
using SpeechEmotion.Training;

namespace SpeechEmotion.Cli.Commands;

/// <summary>`ser ensemble RUN RUN... --report OUT`: one LOSO report from finished runs by averaging their test
/// probabilities (<see cref="Ensemble"/>).</summary>
internal static class EnsembleCommand
{
    public static Command Create()
    {
        var runs = new Argument<string[]>("runs")
        {
            Description = "Two or more finished loso report folders (each with report.json and folds/)",
            Arity = new ArgumentArity(2, 64),
        };
        var report = new Option<string>("--report", "-o")
        {
            Description = "Output folder (report.json, report.md, confusion.png)",
            Required = true,
        };
        var command = new Command(
            "ensemble",
            "Average the test probabilities of finished LOSO runs over the same folds into one report"
        )
        {
            runs,
            report,
        };
        command.SetAction(r => CliRunner.Run(() => Run(r.GetValue(runs)!, r.GetValue(report)!)));
        return command;
    }

    private static int Run(string[] dirs, string outDir)
    {
        var headers = dirs.Select(d => RunStats.Read(Path.Combine(d, "report.json"))).ToList();
        var header = headers[0];
        var labels =
            header["labels"]?.AsArray().Select(l => l!.GetValue<string>()).ToList()
            ?? throw new InvalidDataException($"{dirs[0]}/report.json: no labels (a regression run?)");
        var members = dirs.Select((d, i) => (d, Folds(d, headers[i]))).ToList();
        var combined = Ensemble.Combine(labels, members);
        var config = header["config"]?.Deserialize(ModelJsonContext.Default.ModelConfig)!;
        var training = header["training"]?.Deserialize(TrainingJsonContext.Default.TrainingOptions)!;
        string protocol = $"{header["protocol"]}; ensemble of {dirs.Length} runs (mean softmax probabilities)";
        var json = LosoReport.Json(
            labels,
            combined,
            config,
            training,
            protocol,
            string.Join(" + ", headers.Select(h => h["device"]?.GetValue<string>()).Distinct())
        );
        json["members"] = new JsonArray(
            dirs.Select(
                    (d, i) =>
                        (JsonNode)
                            new JsonObject
                            {
                                ["run"] = d,
                                ["ua"] = headers[i]["ua"]?.GetValue<double>(),
                                ["config"] = headers[i]["config"]?.DeepClone(),
                                ["training"] = headers[i]["training"]?.DeepClone(),
                            }
                )
                .ToArray()
        );
        json.Remove("config");
        json.Remove("training");
        LosoRun.WriteClassification(
            outDir,
            json,
            $"Ensemble: {protocol}",
            $"ensemble of {dirs.Length} LOSO runs",
            labels,
            combined
        );
        AnsiConsole.MarkupLineInterpolated($"wrote {outDir}/report.json, report.md, confusion.png");
        return 0;
    }

    /// <summary>A run's folds from its report.json (predictions keyed by file name), or, for a report written before
    /// predictions carried probabilities, from its folds/ folder.</summary>
    private static IReadOnlyList<FoldResult> Folds(string dir, JsonNode report)
    {
        if (report["predictions"]?.AsArray().FirstOrDefault()?["probabilities"] is not null)
            return LosoReport.Folds(report, Path.Combine(dir, "report.json"));
        if (!Directory.Exists(Path.Combine(dir, "folds")))
            throw new DirectoryNotFoundException(
                $"{dir}: no folds/ folder and no probabilities in report.json; is it a loso report folder?"
            );
        return Directory
            .GetFiles(Path.Combine(dir, "folds"), "fold.json", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(FoldResult.Load)
            .Select(f =>
                f with
                {
                    Predictions = [.. f.Predictions.Select(p => p with { Path = Path.GetFileName(p.Path) })],
                }
            )
            .ToList();
    }
}
