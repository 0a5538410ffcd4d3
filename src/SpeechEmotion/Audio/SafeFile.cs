using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace SpeechEmotion.Audio;

/// <summary>
/// Opens a file for reading only if it is a regular file. A FIFO named *.wav would block <c>open(2)</c> until a writer
/// appears, so on Linux the file is opened with O_NONBLOCK (which returns at once for a FIFO) and then refused unless
/// it can seek: pipes, sockets and terminals cannot. Errors are <see cref="AudioFormatException"/>s naming the file.
/// </summary>
public static partial class SafeFile
{
    private const int ReadOnly = 0,
        NonBlocking = 0x800,
        CloseOnExec = 0x80000; // Linux values (x64 and arm64 alike)

    public static FileStream OpenRegular(string path)
    {
        if (Directory.Exists(path))
            throw new AudioFormatException(path, "cannot open: it is a directory");
        FileStream stream;
        try
        {
            stream = OperatingSystem.IsLinux() ? OpenNonBlocking(path) : File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AudioFormatException(path, $"cannot open: {e.Message}", e);
        }
        if (!stream.CanSeek)
        {
            stream.Dispose();
            throw new AudioFormatException(path, "not a regular file (a pipe, socket or device); give a file");
        }
        return stream;
    }

    private static FileStream OpenNonBlocking(string path)
    {
        int fd = Open(path, ReadOnly | NonBlocking | CloseOnExec);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            string reason = errno switch
            {
                2 => "no such file",
                13 => "permission denied",
                40 => "too many symbolic links",
                _ => $"errno {errno}",
            };
            throw new IOException(reason);
        }
        return new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Read, bufferSize: 0);
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);
}
