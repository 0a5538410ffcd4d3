using System.CommandLine;
using SpeechEmotion.Cli.Commands;

var root = new RootCommand("ser — speech emotion recognition with a Bi-GRU + multi-head attention network (SpeechEmotion.Native)");
root.Subcommands.Add(CorpusCommand.Create());
root.Subcommands.Add(SpectrogramCommand.Create());
root.Subcommands.Add(GradcheckCommand.Create());
return root.Parse(args).Invoke();
