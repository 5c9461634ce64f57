// The personal dataset's file work, always done under the folder's lock: reading and repairing the journal,
// appending to it, keeping the IDX pair in step, and moving aside what cannot be read.

import Foundation

struct PersonalDatasetFiles {
    let directory: URL

    var journal: URL { directory.appendingPathComponent(PersonalDataset.journalName) }
    var images: URL { directory.appendingPathComponent(PersonalDataset.imagesName) }
    var labels: URL { directory.appendingPathComponent(PersonalDataset.labelsName) }

    /// Reads the journal from scratch, repairing it (see `PersonalDataset.open`), and brings the IDX pair in step.
    func load() throws -> (PersonalDataset.State, [DatasetNotice]) {
        removeAbandonedTemporaries()
        var notices: [DatasetNotice] = []
        var state = PersonalDataset.State()
        if FileManager.default.fileExists(atPath: journal.path) {
            let bytes = try read(journal)
            switch SampleJournal.version(of: bytes) {
            case nil:
                notices.append(try Self.setAside(journal, reason: "not a digits sample journal"))
                try AtomicFile.write(Data(SampleJournal.header), to: journal)
            case SampleJournal.version:
                let contents = SampleJournal.read(bytes, from: SampleJournal.header.count)
                state.samples = contents.samples
                if let notice = try repair(bytes, contents) { notices.append(notice) }
            case let version?:
                throw DataError("\(journal.path): written by a newer digits (journal version \(version); "
                                + "this one reads \(SampleJournal.version))")
            }
        } else {
            try AtomicFile.write(Data(SampleJournal.header), to: journal)
        }
        guard let (identity, size) = FileIdentity.of(journal) else {
            throw DataError("\(journal.path): vanished while opening")
        }
        // After any repair the file holds exactly the header and the good records.
        (state.journal, state.end) = (identity, size)
        notices += try syncIDX(state.samples)
        return (state, notices)
    }

    /// Cuts off a torn last record (keeping its bytes beside the journal), or, when damage sits between records,
    /// sets the whole journal aside and writes a new one holding every record that checks.
    private func repair(_ bytes: [UInt8], _ contents: SampleJournal.Contents) throws -> DatasetNotice? {
        guard let first = contents.faults.first else { return nil }
        if contents.endsInTornRecord(fileSize: bytes.count) {
            let savedAs = Self.asideURL(for: journal, kind: "torn")
            try AtomicFile.write(Data(bytes[first]), to: savedAs)
            guard truncate(journal.path, off_t(first.lowerBound)) == 0 else {
                throw DataError("\(journal.path): cannot cut off a torn record (\(String(cString: strerror(errno))))")
            }
            return .tornRecordDropped(bytes: first.count, savedAs: savedAs)
        }
        let lost = contents.faults.reduce(0) { $0 + $1.count }
        let notice = try Self.setAside(journal, reason: "\(lost) damaged bytes in \(contents.faults.count) places, "
            + "the first at offset \(first.lowerBound); kept the \(contents.samples.count) samples that check")
        var rebuilt = SampleJournal.header
        for record in contents.records { rebuilt += bytes[record] }
        try AtomicFile.write(Data(rebuilt), to: journal)
        return notice
    }

    /// Reads what was appended to the journal since `state` was read, reloading from scratch when the file was
    /// replaced, shrank, or gained something that is not a whole record.
    func catchUp(_ state: inout PersonalDataset.State) throws -> [DatasetNotice] {
        guard let (identity, size) = FileIdentity.of(journal), identity == state.journal, size >= state.end else {
            return try reload(&state)
        }
        guard size > state.end else { return [] }
        let handle = try FileHandle(forReadingFrom: journal)
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(state.end))
        let tail = [UInt8](try handle.readToEnd() ?? Data())
        let contents = SampleJournal.read(tail, from: 0)
        guard contents.faults.isEmpty else { return try reload(&state) }
        state.samples += contents.samples
        state.end += tail.count
        return []
    }

    private func reload(_ state: inout PersonalDataset.State) throws -> [DatasetNotice] {
        let (fresh, notices) = try load()
        state = fresh
        return notices
    }

    /// Appends whole records with a single write, then fsyncs. On failure the journal is cut back to `end`.
    func appendToJournal(_ records: [UInt8], end: Int) throws {
        let fd = open(journal.path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard fd >= 0 else { throw DataError("\(journal.path): cannot append (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        var written = 0, failure: String?
        records.withUnsafeBytes { raw in
            while written < raw.count {
                let n = write(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                written += n
            }
        }
        if failure == nil && fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            _ = ftruncate(fd, off_t(end))
            throw DataError("\(journal.path): cannot append (\(failure))")
        }
    }

    /// Writes the IDX pair for `samples`, each file atomically.
    func writeIDX(_ samples: [PersonalSample]) throws {
        try LabeledImages(samples).writeIDX(images: images, labels: labels)
    }

    /// Rewrites the IDX pair unless it already holds `samples`. A file that does not read as IDX, or holds digits
    /// that are not the journal's first ones (so may be the only copy of something), is set aside first.
    private func syncIDX(_ samples: [PersonalSample]) throws -> [DatasetNotice] {
        let expected = LabeledImages(samples)
        var notices: [DatasetNotice] = [], current = true
        for (url, magic, values, shape) in [(images, IDX.imageMagic, expected.pixels, [MNIST.side, MNIST.side]),
                                            (labels, IDX.labelMagic, expected.labels, [])] {
            guard FileManager.default.fileExists(atPath: url.path) else {
                current = false
                continue
            }
            let found: IDXArray
            do { found = try IDX.read(url, magic: magic) } catch {
                notices.append(try Self.setAside(url, reason: "\(error)"))
                current = false
                continue
            }
            let isPrefix = Array(found.dimensions.dropFirst()) == shape && found.bytes.count <= values.count
                && found.bytes[...] == values.prefix(found.bytes.count)
            if !isPrefix {
                notices.append(try Self.setAside(url, reason: "holds digits the journal does not"))
            }
            current = current && isPrefix && found.bytes.count == values.count
        }
        if !current { try writeIDX(samples) }
        return notices
    }

    /// Renames `url` to `NAME.damaged-<time>` beside it and returns the notice saying so.
    static func setAside(_ url: URL, reason: String) throws -> DatasetNotice {
        let savedAs = asideURL(for: url, kind: "damaged")
        guard rename(url.path, savedAs.path) == 0 else {
            throw DataError("\(url.path): damaged, and cannot be set aside (\(String(cString: strerror(errno))))")
        }
        return .setAside(file: url, savedAs: savedAs, reason: reason)
    }

    /// `NAME.<kind>-<yyyyMMdd-HHmmss>` beside `url`, with `-2`, `-3`, ... when that is taken.
    static func asideURL(for url: URL, kind: String) -> URL {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let stem = "\(url.lastPathComponent).\(kind)-\(formatter.string(from: Date()))"
        var candidate = url.deletingLastPathComponent().appendingPathComponent(stem)
        var n = 2
        while FileManager.default.fileExists(atPath: candidate.path) {
            candidate = url.deletingLastPathComponent().appendingPathComponent("\(stem)-\(n)")
            n += 1
        }
        return candidate
    }

    /// Removes the temporary files `AtomicFile.write` leaves when its process is killed mid-save
    /// (`.NAME.<pid>.partial`), for this folder's files and only when that process is gone.
    private func removeAbandonedTemporaries() {
        let names = [PersonalDataset.journalName, PersonalDataset.imagesName, PersonalDataset.labelsName,
                     PersonalModel.fileName]
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
        for entry in entries where entry.hasSuffix(".partial") {
            let parts = entry.dropFirst().split(separator: ".")
            guard entry.hasPrefix("."), parts.count >= 3, let pid = Int32(parts[parts.count - 2]),
                  names.contains(parts.dropLast(2).joined(separator: ".")),
                  kill(pid, 0) != 0 && errno == ESRCH else { continue }
            unlink(directory.appendingPathComponent(entry).path)
        }
    }

    private func read(_ url: URL) throws -> [UInt8] {
        do { return [UInt8](try Data(contentsOf: url)) } catch {
            throw DataError("\(url.path): cannot read (\(error.localizedDescription))")
        }
    }
}
