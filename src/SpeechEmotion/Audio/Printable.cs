using System.Text;

namespace SpeechEmotion.Audio;

/// <summary>Text from files (names, chunk ids) made safe for a terminal: control characters become \xNN
/// escapes.</summary>
public static class Printable
{
    public static string Escape(string text)
    {
        if (!text.Any(IsControl))
            return text;
        var sb = new StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            if (!IsControl(c))
                sb.Append(c);
            else if (c <= 0xFF)
                sb.Append($"\\x{(int)c:x2}");
            else
                sb.Append($"\\u{(int)c:x4}");
        }
        return sb.ToString();
    }

    private static bool IsControl(char c) =>
        char.IsControl(c) || c is '\u2028' or '\u2029' or '\u202e' or '\u200e' or '\u200f';
}
