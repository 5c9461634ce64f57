// Atomic file replacement: a save that is interrupted never destroys the file it was replacing.

import Foundation

public enum AtomicFile {
    /// Writes `data` to a temporary file beside `url`, fsyncs it, renames it over `url`, then fsyncs the directory
    /// so the rename itself survives a crash.
    public static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        removeAbandonedTemporaries(of: url)
        let temporary = directory.appendingPathComponent(temporaryName(of: url, writer: getpid()))
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw DataError("\(url.path): cannot write (\(String(cString: strerror(errno))))") }
        var failure: String?
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                offset += written
            }
        }
        if failure == nil && fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
        close(fd)
        if failure == nil && rename(temporary.path, url.path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary.path)
            throw DataError("\(url.path): cannot write (\(failure))")
        }
        let dirFD = open(directory.path, O_RDONLY)
        if dirFD >= 0 {
            fsync(dirFD)
            close(dirFD)
        }
    }

    /// The temporary file a process writes before renaming it over `url`: hidden, beside it, named for the writer.
    static func temporaryName(of url: URL, writer: pid_t) -> String { ".\(url.lastPathComponent).\(writer).partial" }

    /// Removes the temporary files that writes to `url` left behind when their process was killed mid-write (the
    /// target itself was never touched). Only those whose writer no longer exists: another live process may be
    /// writing its own.
    static func removeAbandonedTemporaries(of url: URL) {
        let directory = url.deletingLastPathComponent()
        let prefix = ".\(url.lastPathComponent).", suffix = ".partial"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(suffix) {
            let writer = pid_t(name.dropFirst(prefix.count).dropLast(suffix.count))
            guard let writer, writer != getpid() else { continue }
            if kill(writer, 0) != 0 && errno == ESRCH { unlink(directory.appendingPathComponent(name).path) }
        }
    }

    /// Checks, before any long work, that `write(_:to:)` will be able to save to `url`: its folder exists and takes
    /// new files, and `url` is not itself a folder. Throws a one-line reason.
    public static func checkWritable(_ url: URL) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue {
            throw DataError("\(url.path): is a folder, not a file")
        }
        let directory = url.deletingLastPathComponent()
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isFolder) else {
            throw DataError("\(url.path): cannot write (no such folder \(directory.path))")
        }
        guard isFolder.boolValue else { throw DataError("\(url.path): cannot write (\(directory.path) is not a folder)") }
        guard access(directory.path, W_OK) == 0 else {
            throw DataError("\(url.path): cannot write (\(String(cString: strerror(errno))))")
        }
    }
}
