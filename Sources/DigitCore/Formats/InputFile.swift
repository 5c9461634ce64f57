// Reading a whole input file (a dataset, a model, an image), with a one-line reason when it cannot be read.

import Foundation

enum InputFile {
    /// The bytes of the regular file at `url`; the error names the file as `name` and says what is wrong: no such
    /// file, a folder given as a file, something else that is not a file, or the system's reason.
    static func read(_ url: URL, name: String) throws(DataError) -> Data {
        var status = stat()
        guard stat(url.path, &status) == 0 else {
            let reason = errno == ENOENT ? "no such file" : String(cString: strerror(errno))
            throw DataError("\(name): cannot read (\(reason))")
        }
        switch status.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw DataError("\(name): is a folder, not a file")
        default: throw DataError("\(name): cannot read (not a regular file)")
        }
        guard access(url.path, R_OK) == 0 else {
            throw DataError("\(name): cannot read (\(String(cString: strerror(errno))))")
        }
        do { return try Data(contentsOf: url) } catch {
            throw DataError("\(name): cannot read (unreadable)")
        }
    }
}
