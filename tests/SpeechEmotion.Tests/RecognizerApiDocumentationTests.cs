using System.Reflection;
using System.Runtime.CompilerServices;
using System.Xml.Linq;

namespace SpeechEmotion.Tests;

/// <summary>The application API (the root SpeechEmotion namespace) has an XML comment on every public member.</summary>
public class RecognizerApiDocumentationTests
{
    private static readonly string[] RecordMembers =
    [
        "Equals",
        "GetHashCode",
        "ToString",
        "Deconstruct",
        "PrintMembers",
        "<Clone>$",
    ];

    [Test]
    public void Every_public_type_and_member_of_the_SpeechEmotion_namespace_is_documented()
    {
        var assembly = typeof(EmotionRecognizer).Assembly;
        var xml = XDocument.Load(Path.ChangeExtension(assembly.Location, ".xml"));
        var documented = xml.Descendants("member")
            .Select(m => m.Attribute("name")!.Value)
            .Select(n => n.Split('(')[0])
            .ToHashSet();
        var types = assembly.GetExportedTypes().Where(t => t.Namespace == "SpeechEmotion").ToList();
        Assert.That(
            types.Select(t => t.Name),
            Is.SupersetOf(
                new[]
                {
                    "EmotionRecognizer",
                    "EmotionResult",
                    "EmotionSegment",
                    "EmotionStream",
                    "RecognizerOptions",
                    "SpeakerContext",
                }
            )
        );
        var missing = new List<string>();
        foreach (var type in types)
        {
            if (!documented.Contains("T:" + type.FullName))
                missing.Add("T:" + type.FullName);
            const BindingFlags flags =
                BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var member in type.GetMembers(flags))
            {
                if (member is ConstructorInfo || member.IsDefined(typeof(CompilerGeneratedAttribute)))
                    continue;
                if (member is MethodInfo { IsSpecialName: true } || RecordMembers.Contains(member.Name))
                    continue;
                string prefix = member switch
                {
                    PropertyInfo => "P:",
                    FieldInfo => "F:",
                    EventInfo => "E:",
                    _ => "M:",
                };
                string id = prefix + type.FullName + "." + member.Name;
                if (!documented.Contains(id))
                    missing.Add(id);
            }
        }
        Assert.That(missing, Is.Empty);
    }
}
