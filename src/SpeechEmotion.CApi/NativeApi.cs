using System.Runtime.InteropServices;
using System.Text;
using SpeechEmotion.Audio;
using SpeechEmotion.Serialization;

namespace SpeechEmotion.CApi;

/// <summary>The result record of speechemotion.h (ser_result), field for field.</summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct SerResult
{
    public int Label;
    public int LabelCount;
    public double DurationSeconds;
    public fixed float Probabilities[NativeApi.MaxLabels];
}

/// <summary>
/// The C ABI of libspeechemotion (see speechemotion.h). Handles are numbers from a table, not pointers, so a stale or
/// invented handle is an error code instead of a crash; every exception becomes a code and ser_last_error text.
/// </summary>
public static unsafe class NativeApi
{
    public const int MaxLabels = 32;
    private const int Ok = 0,
        ErrorArgument = -1,
        ErrorAudio = -2,
        ErrorModel = -3,
        ErrorInternal = -4;

    private sealed class Entry(EmotionRecognizer recognizer, IntPtr[] labels)
    {
        public EmotionRecognizer Recognizer { get; } = recognizer;
        public IntPtr[] Labels { get; } = labels;
    }

    private static readonly Dictionary<long, Entry> Handles = [];
    private static long _next;

    [ThreadStatic]
    private static IntPtr t_error;

    [UnmanagedCallersOnly(EntryPoint = "ser_open")]
    public static IntPtr Open(byte* modelPath)
    {
        SetError(null);
        try
        {
            var recognizer = modelPath is null
                ? EmotionRecognizer.FromDefaultModel()
                : EmotionRecognizer.FromFile(Marshal.PtrToStringUTF8((IntPtr)modelPath)!);
            if (recognizer.Labels.Count is 0 or > MaxLabels)
            {
                recognizer.Dispose();
                SetError(
                    $"the model has {recognizer.Labels.Count} labels; this interface serves 1..{MaxLabels} "
                        + "(no regression models)"
                );
                return IntPtr.Zero;
            }
            var labels = recognizer.Labels.Select(l => Utf8(l)).ToArray();
            lock (Handles)
            {
                long id = ++_next;
                Handles[id] = new Entry(recognizer, labels);
                return (IntPtr)id;
            }
        }
        catch (Exception e)
        {
            SetError(e is ModelFileException ? e.Message : $"{e.GetType().Name}: {e.Message}");
            return IntPtr.Zero;
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "ser_recognize_pcm")]
    public static int RecognizePcm(IntPtr handle, float* samples, long count, int sampleRate, SerResult* result)
    {
        SetError(null);
        try
        {
            if (Find(handle) is not { } entry)
                return Fail(ErrorArgument, "unknown recognizer handle");
            if (samples is null || result is null)
                return Fail(ErrorArgument, samples is null ? "samples is NULL" : "out is NULL");
            if (count <= 0 || count > int.MaxValue)
                return Fail(ErrorArgument, $"sample count {count} is outside 1..{int.MaxValue}");
            var r = entry.Recognizer.Recognize(new ReadOnlySpan<float>(samples, (int)count), sampleRate);
            var labels = entry.Recognizer.Labels;
            result->LabelCount = labels.Count;
            result->Label = Enumerable.Range(0, labels.Count).First(i => labels[i] == r.Label);
            result->DurationSeconds = r.Duration.TotalSeconds;
            for (int i = 0; i < MaxLabels; i++)
                result->Probabilities[i] = i < labels.Count ? r.Probabilities[labels[i]] : 0f;
            return Ok;
        }
        catch (AudioFormatException e)
        {
            return Fail(ErrorAudio, e.Message);
        }
        catch (ArgumentException e)
        {
            return Fail(ErrorArgument, e.Message);
        }
        catch (InvalidOperationException e)
        {
            return Fail(ErrorArgument, e.Message);
        }
        catch (Exception e)
        {
            return Fail(ErrorInternal, $"{e.GetType().Name}: {e.Message}");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "ser_label")]
    public static IntPtr Label(IntPtr handle, int index)
    {
        SetError(null);
        if (Find(handle) is not { } entry)
            return FailNull("unknown recognizer handle");
        return index >= 0 && index < entry.Labels.Length
            ? entry.Labels[index]
            : FailNull($"label index {index} is outside 0..{entry.Labels.Length - 1}");
    }

    [UnmanagedCallersOnly(EntryPoint = "ser_last_error")]
    public static IntPtr LastError()
    {
        if (t_error == IntPtr.Zero)
            t_error = Utf8("");
        return t_error;
    }

    [UnmanagedCallersOnly(EntryPoint = "ser_close")]
    public static void Close(IntPtr handle)
    {
        Entry? entry;
        lock (Handles)
        {
            if (!Handles.Remove((long)handle, out entry))
                return;
        }
        entry.Recognizer.Dispose();
        foreach (var p in entry.Labels)
            Marshal.FreeHGlobal(p);
    }

    private static Entry? Find(IntPtr handle)
    {
        lock (Handles)
            return Handles.GetValueOrDefault((long)handle);
    }

    private static int Fail(int code, string message)
    {
        SetError(message);
        return code;
    }

    private static IntPtr FailNull(string message)
    {
        SetError(message);
        return IntPtr.Zero;
    }

    private static void SetError(string? message)
    {
        if (t_error != IntPtr.Zero)
            Marshal.FreeHGlobal(t_error);
        t_error = message is null ? IntPtr.Zero : Utf8(message);
    }

    /// <summary>A NUL-terminated UTF-8 copy in unmanaged memory (freed by the caller of this helper).</summary>
    private static IntPtr Utf8(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text + "\0");
        var p = Marshal.AllocHGlobal(bytes.Length);
        Marshal.Copy(bytes, 0, p, bytes.Length);
        return p;
    }
}
