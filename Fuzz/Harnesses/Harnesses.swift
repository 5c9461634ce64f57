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

    /// A broken promise is a finding: crash so the fuzzer keeps the input.
    static func check(_ condition: Bool, _ promise: @autoclosure () -> String) {
        if !condition { fatalError("broken promise: \(promise())") }
    }
}
