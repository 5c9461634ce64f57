// The harnesses: each reads one fuzz input as the contents of a file, through the reader the program uses.
// To fuzz another reader, add one line to `all` and put seed files in Fuzz/Corpus/<name>/.

import Foundation
@testable import DigitCore

/// One reader under test: `read` gets the input's bytes and the file name to blame in errors.
struct Harness: Sendable {
    let file: String
    let read: @Sendable (Data, String) throws -> Void
}

enum Harnesses {
    static let all: [String: Harness] = [
        "idx": Harness(file: "t10k-images-idx3-ubyte", read: readIDX),
        "safetensors": Harness(file: "tensors.safetensors", read: roundTripSafeTensors),
        "model": Harness(file: "model.safetensors", read: loadModel),
        "png": Harness(file: "drawing.png", read: { data, name in _ = try PNG.decode([UInt8](data), name: name) }),
        "pgm": Harness(file: "scan.pgm", read: decodePGM),
        "jpeg": Harness(file: "photo.jpg", read: decodeJPEG),
        "personal": Harness(file: PersonalDataset.journalName, read: openJournal),
    ]

    /// As an images file, then as a labels file (the magic number picks which can succeed).
    static func readIDX(_ data: Data, name: String) throws {
        let images = try? IDX.decode(data, magic: IDX.imageMagic, name: name)
        if let images { check(images.dimensions.count == 3, "an images file has three dimensions") }
        _ = try IDX.decode(data, magic: IDX.labelMagic, name: name)
    }

    /// Whatever decodes must survive being written and read back unchanged: a saved model must load.
    static func roundTripSafeTensors(_ data: Data, name: String) throws {
        let file = try SafeTensorsFile.decode(data, name: name)
        let again = try SafeTensorsFile.decode(file.encoded(), name: name)
        check(again.metadata == file.metadata, "metadata changed in a round trip")
        check(again.tensors.map(\.name) == file.tensors.map(\.name), "tensor names changed in a round trip")
        check(again.tensors.map(\.shape) == file.tensors.map(\.shape), "tensor shapes changed in a round trip")
        for (a, b) in zip(again.tensors, file.tensors) {
            check(a.values.map(\.bitPattern) == b.values.map(\.bitPattern),
                  "tensor \(quoted(a.name)) changed in a round trip")
        }
    }

    /// The model loader's checks, and a checkpoint's optimizer state when the file has some.
    static func loadModel(_ data: Data, name: String) throws {
        let file = try SafeTensorsFile.decode(data, name: name)
        let network = try ModelFile.network(from: file, name: name)
        if file.tensors.contains(where: { $0.name.hasPrefix(ModelFile.extraPrefix) }) {
            try Checkpoint.restore(Adam(parameters: network.parameters), of: network, from: file, name: name)
        }
    }

    /// `GrayImage.load` sends files that start with P5 or P2 to the PGM decoder.
    static func decodePGM(_ data: Data, name: String) throws {
        let bytes = [UInt8](data)
        guard bytes.starts(with: Array("P5".utf8)) || bytes.starts(with: Array("P2".utf8)) else { return }
        _ = try PGM.decode(bytes, name: name)
    }

    /// `GrayImage.load` sends files that start with JPEG's start-of-image marker to the JPEG decoder.
    static func decodeJPEG(_ data: Data, name: String) throws {
        let bytes = [UInt8](data)
        guard bytes.starts(with: JPEG.magic) else { return }
        let image = try JPEG.decode(bytes, name: name)
        check(image.width > 0 && image.height > 0, "a decoded JPEG has pixels")
    }

    /// The folder the journal harness opens, emptied before every input. Memory-backed when the system has one
    /// (the store fsyncs every file it writes, which would make each input cost a disk flush).
    static let personalFolder: URL = {
        let shm = URL(fileURLWithPath: "/dev/shm", isDirectory: true)
        let base = FileManager.default.fileExists(atPath: shm.path) ? shm : FileManager.default.temporaryDirectory
        let folder = base.appendingPathComponent("digits-fuzz-personal-\(getpid())", isDirectory: true)
        // Removed when the run ends normally; a crash leaves it with the input that did it.
        atexit { try? FileManager.default.removeItem(at: Harnesses.personalFolder) }
        return folder
    }()

    /// The input as the sample journal of a fresh personal dataset. Opening must succeed, reporting any repair as
    /// one-line notices, or refuse with one line naming the journal and leave it alone. Damage is never lost: a
    /// journal set aside keeps the input's bytes, a torn record is kept beside a journal cut just before it, and a
    /// journal opened without notices is unchanged. A second open must find nothing left to repair.
    static func openJournal(_ data: Data, name: String) throws {
        let folder = personalFolder, files = FileManager.default
        try? files.removeItem(at: folder)
        try files.createDirectory(at: folder, withIntermediateDirectories: true)
        let journal = folder.appendingPathComponent(name)
        try data.write(to: journal)
        func contents(_ url: URL) -> Data? { try? Data(contentsOf: url) }
        let dataset: PersonalDataset
        do { dataset = try PersonalDataset.open(folder) } catch {
            let message = "\(error)"
            check(isOneLine(message) && message.hasPrefix("\(journal.path): "),
                  "a refusal must be one line naming the journal: \(message)")
            check(contents(journal) == data, "a refused journal was changed")
            return
        }
        for notice in dataset.notices {
            check(isOneLine(notice.description), "a notice must be one line: \(notice)")
            switch notice {
            case let .setAside(file, savedAs, _):
                if file.lastPathComponent == name {
                    check(contents(savedAs) == data, "the journal set aside is not the damaged one")
                }
            case let .tornRecordDropped(bytes, savedAs):
                check(contents(savedAs) == data.suffix(bytes), "the torn record kept is not the journal's end")
                check(contents(journal) == data.prefix(data.count - bytes), "the journal was not cut at the torn record")
            }
        }
        if dataset.notices.isEmpty { check(contents(journal) == data, "a sound journal was changed") }
        let again = try PersonalDataset.open(folder)
        check(again.notices.isEmpty, "a repaired journal needed repair again: \(again.notices)")
        let (before, after) = (dataset.images, again.images)
        check(after.labels == before.labels && after.pixels == before.pixels, "the samples changed on opening again")
    }

    static func isOneLine(_ text: String) -> Bool { !text.unicodeScalars.contains { $0 == "\n" || $0 == "\r" } }

    /// A broken promise is a finding: crash so the fuzzer keeps the input.
    static func check(_ condition: Bool, _ promise: @autoclosure () -> String) {
        if !condition { fatalError("broken promise: \(promise())") }
    }
}
