// The person's own labelled digits, in a folder of the data directory: the sample journal (the truth), the IDX
// pair regenerated from it for `digits eval` and learning, and the personal model learned from them.

import Foundation
import Synchronization

/// Something the store found and repaired. It never deletes what it cannot read: it moves it aside.
public enum DatasetNotice: Sendable, Equatable, CustomStringConvertible {
    /// The journal ended in a record that a killed process was writing; its bytes were saved as `savedAs`.
    case tornRecordDropped(bytes: Int, savedAs: URL)
    /// `file` was damaged or not what the store writes; it was renamed to `savedAs` and not overwritten.
    case setAside(file: URL, savedAs: URL, reason: String)

    public var description: String {
        switch self {
        case let .tornRecordDropped(bytes, savedAs):
            return "dropped a sample that was being written when its process stopped "
                + "(\(bytes) bytes, kept as \(savedAs.lastPathComponent))"
        case let .setAside(file, savedAs, reason):
            return "\(file.lastPathComponent) set aside as \(savedAs.lastPathComponent): \(reason)"
        }
    }
}

/// The personal dataset in `directory`. Every change happens under a lock file, so the pad and the command line may
/// use one folder at once; an append is durable when `append` returns.
public final class PersonalDataset: Sendable {
    public static let journalName = "samples.journal"
    public static let imagesName = "samples-images-idx3-ubyte"
    public static let labelsName = "samples-labels-idx1-ubyte"

    public let directory: URL
    /// What opening found and repaired.
    public let notices: [DatasetNotice]
    private let state: Mutex<State>

    struct State: Sendable {
        var samples: [PersonalSample] = []
        /// Where the journal's last record ends, in the file `journal` names.
        var end = SampleJournal.header.count
        var journal = FileIdentity()
    }

    private var files: PersonalDatasetFiles { PersonalDatasetFiles(directory: directory) }
    public var journalURL: URL { files.journal }
    public var imagesURL: URL { files.images }
    public var labelsURL: URL { files.labels }
    /// Where the model learned from these samples is kept.
    public var personalModelURL: URL { PersonalModel.url(in: directory) }

    /// Opens the dataset in `directory`, creating both when missing. A torn last record is dropped and a damaged or
    /// foreign file set aside, each reported in `notices`; the IDX pair is rewritten when it lags the journal.
    public static func open(_ directory: URL) throws -> PersonalDataset {
        try createFolder(directory)
        let (state, notices) = try DirectoryLock.holding(directory) {
            try PersonalDatasetFiles(directory: directory).load()
        }
        return PersonalDataset(directory: directory, state: state, notices: notices)
    }

    /// Whether `directory` holds a dataset, so a command that only reads can say there is none without creating one.
    public static func exists(in directory: URL) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent(journalName).path)
    }

    /// Creates `directory` and any missing parents, or says in one line why it cannot.
    private static func createFolder(_ directory: URL) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw DataError("\(directory.path): is a file, not a folder") }
            return
        }
        try createFolder(directory.deletingLastPathComponent())
        guard mkdir(directory.path, 0o755) == 0 || errno == EEXIST else {
            throw DataError("\(directory.path): cannot create the data folder (\(String(cString: strerror(errno))))")
        }
    }

    private init(directory: URL, state: State, notices: [DatasetNotice]) {
        self.directory = directory
        self.state = Mutex(state)
        self.notices = notices
    }

    /// The samples, in the order they were recorded.
    public var samples: [PersonalSample] { state.withLock { $0.samples } }
    public var count: Int { state.withLock { $0.samples.count } }
    /// The samples as one labelled set (what the IDX pair holds).
    public var images: LabeledImages { LabeledImages(samples) }
    /// How many samples each digit has.
    public var countsPerDigit: [Int] {
        samples.reduce(into: [Int](repeating: 0, count: MNIST.classes)) { $0[$1.label] += 1 }
    }

    /// Appends one sample durably (one write and fsync of the journal), then rewrites the IDX pair. Samples another
    /// process appended meanwhile are read first; returns what that catching up repaired, if anything.
    @discardableResult
    public func append(_ sample: PersonalSample) throws -> [DatasetNotice] { try append(contentsOf: [sample]) }

    /// Appends samples in order with one write and fsync, then rewrites the IDX pair once. A process killed during
    /// the write leaves the samples written before the one it was in.
    @discardableResult
    public func append(contentsOf samples: [PersonalSample]) throws -> [DatasetNotice] {
        let store = files, records = samples.flatMap(SampleJournal.record(for:))
        return try state.withLock { state in
            try DirectoryLock.holding(directory) {
                let notices = try store.catchUp(&state)
                try store.appendToJournal(records, end: state.end)
                state.samples += samples
                state.end += records.count
                try store.writeIDX(state.samples)
                return notices
            }
        }
    }

    /// Reads what other processes appended since this one last looked.
    @discardableResult
    public func refresh() throws -> [DatasetNotice] {
        let store = files
        return try state.withLock { state in try DirectoryLock.holding(directory) { try store.catchUp(&state) } }
    }

    /// Saves a model learned from these samples as the personal model, atomically and under the folder's lock.
    /// A personal model file that does not load is set aside first rather than replaced.
    @discardableResult
    public func savePersonalModel(_ network: Network, metadata: [String: String]) throws -> [DatasetNotice] {
        let url = personalModelURL
        return try DirectoryLock.holding(directory) {
            var notices: [DatasetNotice] = []
            if FileManager.default.fileExists(atPath: url.path) {
                do { _ = try ModelFile.load(from: url) } catch {
                    notices.append(try PersonalDatasetFiles.setAside(url, reason: "\(error)"))
                }
            }
            try ModelFile.save(network, metadata: metadata, to: url)
            return notices
        }
    }
}

/// Identifies a file across renames: device and inode.
struct FileIdentity: Equatable, Sendable {
    var device: UInt64 = 0, inode: UInt64 = 0

    init() {}

    /// The identity and size of the file at `url`, or nil when there is none.
    static func of(_ url: URL) -> (identity: FileIdentity, size: Int)? {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return nil }
        var identity = FileIdentity()
        identity.device = UInt64(info.st_dev)
        identity.inode = UInt64(info.st_ino)
        return (identity, Int(info.st_size))
    }
}

/// An exclusive `flock` on `.lock` in a folder, held while `body` runs (released when the descriptor closes, so a
/// killed holder never leaves it locked).
enum DirectoryLock {
    static func holding<T>(_ directory: URL, _ body: () throws -> T) throws -> T {
        let url = directory.appendingPathComponent(".lock")
        let fd = Foundation.open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw DataError("\(directory.path): cannot lock (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw DataError("\(directory.path): cannot lock (\(String(cString: strerror(errno))))")
            }
        }
        return try body()
    }
}
