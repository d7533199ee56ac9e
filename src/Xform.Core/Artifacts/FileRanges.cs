using System.Runtime.InteropServices;

namespace Xform.Core.Artifacts;

/// <summary>
/// Large files written without detours: bytes copied from one file to another at given offsets, on Linux by the kernel
/// (<c>copy_file_range</c>, no trip through the process: 90 MB in about 25 ms), elsewhere or when it declines through a
/// buffer; and a new file put in the place of an old one.
/// </summary>
internal static class FileRanges
{
    public static void Copy(FileStream from, long fromOffset, FileStream to, long toOffset, long length)
    {
        if (length <= 0) return;
        if (OperatingSystem.IsLinux() && InKernel(from, ref fromOffset, to, ref toOffset, ref length) && length == 0) return;
        var buffer = new byte[(int)Math.Min(length, 1 << 20)];
        while (length > 0)
        {
            var n = RandomAccess.Read(from.SafeFileHandle, buffer.AsSpan(0, (int)Math.Min(length, buffer.Length)), fromOffset);
            if (n == 0) throw new EndOfStreamException("the file is shorter than its index says");
            RandomAccess.Write(to.SafeFileHandle, buffer.AsSpan(0, n), toOffset);
            (fromOffset, toOffset, length) = (fromOffset + n, toOffset + n, length - n);
        }
    }

    /// <summary>
    /// Puts <paramref name="temp"/> in the place of <paramref name="path"/> at once (a reader sees the old file or the new),
    /// and removes the old: on Linux the two names are exchanged (<c>renameat2</c>), then the old file, now under
    /// <paramref name="temp"/>'s name, deleted on another thread (the returned task; wait for it before the command ends).
    /// Renamed over another file, ext4 first writes the new one's data to disk (20 to 30 ms for 90 MB); exchanged, not.
    /// Elsewhere, or when the kernel declines, a move over the old file.
    /// </summary>
    public static Task Replace(string temp, string path)
    {
        if (OperatingSystem.IsLinux())
            try
            {
                const int Here = -100; // AT_FDCWD: paths from the working folder (both are full paths)
                const uint Exchange = 2; // RENAME_EXCHANGE
                if (RenameAt2(Here, temp, Here, path, Exchange) == 0) return Task.Run(() => File.Delete(temp));
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
            {
                // a C library without it: moved below
            }
        File.Move(temp, path, overwrite: true);
        return Task.CompletedTask;
    }

    /// <summary>Copies what the kernel will (the offsets and length left moved past it); false when it copied nothing.</summary>
    static bool InKernel(FileStream from, ref long fromOffset, FileStream to, ref long toOffset, ref long length)
    {
        var copied = false;
        try
        {
            var (source, target) = ((int)from.SafeFileHandle.DangerousGetHandle(), (int)to.SafeFileHandle.DangerousGetHandle());
            while (length > 0)
            {
                var n = (long)CopyFileRange(source, ref fromOffset, target, ref toOffset, (nuint)Math.Min(length, 1L << 30), 0);
                if (n <= 0) break; // an error (another file system, an old kernel) or the end of the file: the buffer finishes
                length -= n;
                copied = true;
            }
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // a C library without it
        }
        return copied;
    }

    // DllImport, not LibraryImport: the latter needs unsafe code; a long by reference and integers marshal as they are.
    // glibc's file by its name (no probing of other names); another C library's is not found, and the buffer copies
    [DllImport("libc.so.6", EntryPoint = "copy_file_range")]
    static extern nint CopyFileRange(int fdIn, ref long offIn, int fdOut, ref long offOut, nuint length, uint flags);

    [DllImport("libc.so.6", EntryPoint = "renameat2")]
    static extern int RenameAt2(int fromDir, [MarshalAs(UnmanagedType.LPUTF8Str)] string from, int toDir, [MarshalAs(UnmanagedType.LPUTF8Str)] string to, uint flags);
}
