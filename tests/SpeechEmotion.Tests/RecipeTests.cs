using System.Text;
using SpeechEmotion.Engine;
using SpeechEmotion.Features;
using SpeechEmotion.Serialization;
using SpeechEmotion.Tests.Support;
using SpeechEmotion.Training;

namespace SpeechEmotion.Tests;

/// <summary>Recipes as files: the built-in ones (the paper's presets, the best Emo-DB recipe, the baseline), flags
/// over a recipe, the recipe recorded in the model, and hand-written files with mistakes.</summary>
public class RecipeTests
{
    [Test]
    public void Built_in_recipes_load_and_the_paper_presets_are_table_2()
    {
        Assert.That(
            Recipe.BuiltIn,
            Is.SupersetOf(new[] { "emodb", "iemocap", "functionals", "emodb-best", "default" })
        );
        foreach (var name in Recipe.BuiltIn)
        {
            var recipe = Recipe.Load(name);
            Assert.That(recipe.Training.Recipe, Is.EqualTo(name));
            Assert.That(recipe.Description, Is.Not.Empty, name);
            Assert.That(recipe.Model.InputFrontEnd(), Is.EqualTo(recipe.FrontEnd), name);
        }
        var emodb = Recipe.Load("emodb");
        Assert.That(emodb.FrontEnd, Is.EqualTo(FrontEnd.Paper));
        Assert.That(
            (emodb.Model.Heads, emodb.Model.Hidden, emodb.Model.OutputDropout, emodb.Model.Loss),
            Is.EqualTo((8, 128, 0.2f, LossKind.L1))
        );
        Assert.That(
            (emodb.Training.LearningRate, emodb.Training.BatchSize, emodb.Training.Epochs),
            Is.EqualTo((1e-4, 32, 80))
        );
        var iemocap = Recipe.Load("iemocap");
        Assert.That(
            (iemocap.Model.Heads, iemocap.Model.OutputDropout, iemocap.Training.LearningRate, iemocap.Training.Epochs),
            Is.EqualTo((16, 0.3f, 1e-5, 100))
        );
        var best = Recipe.Load("emodb-best");
        Assert.That(best.FrontEnd, Is.EqualTo(FrontEnd.Mel(64, deltas: true, pitch: true)));
        Assert.That(best.Model.InputSize, Is.EqualTo(198));
        Assert.That(
            (best.Training.Epochs, best.Training.AverageLast, best.Training.Mixup, best.Training.Normalization),
            Is.EqualTo((30, 15, 0.4, FeatureNormalization.Speaker))
        );
        Assert.That(Recipe.Load("functionals").Model.IsFunctionals);
    }

    /// <summary>Every recipe file of the repository (the built-in ones and recipes/candidates/) loads and
    /// validates.</summary>
    [Test]
    public void Every_recipe_file_in_the_repository_loads()
    {
        string root = Path.Combine(SpeechEmotion.Data.DataPaths.RepositoryRoot()!, "recipes");
        var files = Directory.GetFiles(root, "*.json", SearchOption.AllDirectories);
        Assert.That(files.Select(Path.GetFileNameWithoutExtension), Is.SupersetOf(Recipe.BuiltIn));
        foreach (var file in files)
            Assert.That(Recipe.Load(file).Model.InputFrontEnd(), Is.EqualTo(Recipe.Load(file).FrontEnd), file);
    }

    [Test]
    public void Mistakes_in_a_recipe_file_name_the_file_and_the_setting()
    {
        using var dir = new TempDir();
        string File(string name, string json) => dir.File(name, Encoding.UTF8.GetBytes(json));
        Assert.That(
            () => Recipe.Load(File("typo.json", """{"training": {"Epoch": 3}}""")),
            Throws
                .InstanceOf<InvalidDataException>()
                .With.Message.Contains("typo.json")
                .And.Message.Contains("unknown setting 'Epoch'")
        );
        Assert.That(
            () => Recipe.Load(File("section.json", """{"optimiser": {}}""")),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("unknown section 'optimiser'")
        );
        Assert.That(
            () => Recipe.Load(File("broken.json", """{"model": """)),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("broken.json")
        );
        Assert.That(
            () => Recipe.Load(File("bad.json", """{"model": {"Heads": 7}}""")),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("7 heads")
        );
        Assert.That(() => Recipe.Load("no-such-recipe"), Throws.ArgumentException.With.Message.Contains("emodb-best"));
        var mel = Recipe.Load(File("mine.json", """{"frontEnd": {"Kind": "Mel"}, "training": {"Epochs": 3}}"""));
        Assert.That(
            (mel.Name, mel.FrontEnd.Bands, mel.Model.InputSize, mel.Training.Epochs),
            Is.EqualTo(("mine", 64, 64, 3))
        );
    }

    /// <summary>`ser train --recipe functionals` on the tone corpus with <paramref name="flags"/>: corpus and model
    /// paths.</summary>
    private static (string Data, string Model) TrainFunctionals(TempDir dir, params string[] flags)
    {
        string data = TrainingCliTests.WriteCorpus(dir);
        string model = Path.Combine(dir.Path, "m.ser");
        var (code, output) = SerProcess.Run([
            "train",
            "--data",
            data,
            "--recipe",
            "functionals",
            "--device",
            "cpu",
            "--out",
            model,
            .. flags,
        ]);
        Assert.That(code, Is.EqualTo(0), output);
        return (data, model);
    }

    [Test, Category("Slow")]
    public void Train_starts_from_a_recipe_flags_override_it_and_the_model_records_it()
    {
        using var dir = new TempDir();
        var (data, model) = TrainFunctionals(dir, "--epochs", "7");
        var saved = SavedModel.Load(model);
        Assert.That(saved.Config.IsFunctionals);
        var options = saved.Summary["options"]!;
        Assert.That(options["Recipe"]!.GetValue<string>(), Is.EqualTo("functionals"));
        Assert.That(options["Epochs"]!.GetValue<int>(), Is.EqualTo(7), "the flag wins");
        Assert.That(options["ClassWeights"]!.GetValue<bool>(), "the recipe's setting stays");

        string file = dir.File(
            "tiny.json",
            Encoding.UTF8.GetBytes(
                """{"frontEnd": {"Kind": "Mel", "Bands": 16}, "model": {"Hidden": 4, "Heads": 2, "FcSize": 8},"""
                    + """ "training": {"Epochs": 2, "LearningRate": 0.01, "BatchSize": 4}}"""
            )
        );
        var (code, output) = SerProcess.Run(
            "train",
            "--data",
            data,
            "--recipe",
            file,
            "--device",
            "cpu",
            "--out",
            model
        );
        Assert.That(code, Is.EqualTo(0), output);
        saved = SavedModel.Load(model);
        Assert.That(
            (saved.Config.InputSize, saved.Config.Hidden, saved.Summary["epochs"]!.GetValue<int>()),
            Is.EqualTo((16, 4, 2))
        );
        Assert.That(saved.Summary["options"]!["Recipe"]!.GetValue<string>(), Is.EqualTo("tiny"));

        (code, output) = SerProcess.Run("train", "--data", data, "--recipe", "nope", "--device", "cpu");
        Assert.That(code, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("unknown recipe 'nope'"));
    }

    [Test, Category("Slow")]
    public void Info_describes_a_model_and_evaluate_warns_about_its_training_speakers()
    {
        using var dir = new TempDir();
        var (data, model) = TrainFunctionals(dir, "--epochs", "5", "--test-speakers", "09");
        var (code, output) = SerProcess.Run("info", model);
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(
            output,
            Does.Contain("144 utterance functionals → linear softmax")
                .And.Contain("functionals")
                .And.Contain("global: training-set statistics")
                .And.Contain("2: 03, 08")
        );
        Assert.That(SerProcess.Run("info").Output, Does.Contain("built in"));

        (code, output) = SerProcess.Run("evaluate", "--model", model, "--data", data, "--device", "cpu");
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("trained on these very files of 03, 08"));
        (code, output) = SerProcess.Run(
            "evaluate",
            "--model",
            model,
            "--data",
            data,
            "--speakers",
            "09",
            "--device",
            "cpu"
        );
        Assert.That(output, Does.Not.Contain("warning"), "the held-out speaker is speaker-independent");
    }
}
