// Model files: a save/load round trip predicts identically; broken or mismatched files are refused clearly.

import XCTest
@testable import DigitCore

final class ModelFileTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        Parallel.configure(workers: 2)
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("digits-model-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try FileManager.default.removeItem(at: directory) }

    func trainedLookingNetwork(_ architecture: Architecture) -> Network {
        let network = Network(architecture: architecture)
        network.initialize(seed: 11)
        // Non-trivial normalization state, so the round trip has to carry it.
        for case let bn as BatchNorm in network.layers {
            bn.runningMean.value.copy(from: randomTensor(bn.runningMean.shape, seed: 12))
            bn.gamma.value.copy(from: randomTensor(bn.gamma.shape, seed: 13))
        }
        return network
    }

    func testRoundTripGivesIdenticalPredictionsAndMetadata() throws {
        for architecture in Architecture.all {
            let network = trainedLookingNetwork(architecture)
            let url = directory.appendingPathComponent("\(architecture.name).safetensors")
            try ModelFile.save(network, metadata: [ModelFile.Key.testAccuracy: "0.9900"], to: url)
            let (loaded, metadata) = try ModelFile.load(from: url)
            XCTAssertEqual(metadata[ModelFile.Key.architecture], architecture.name)
            XCTAssertEqual(metadata[ModelFile.Key.testAccuracy], "0.9900")
            XCTAssertEqual(metadata[ModelFile.Key.format], ModelFile.format)
            let images = randomTensor([3, MNIST.pixels], seed: 14).array.map(abs)
            let expected = images.withUnsafeBufferPointer { network.predict($0.baseAddress!, count: 3) }
            let actual = images.withUnsafeBufferPointer { loaded.predict($0.baseAddress!, count: 3) }
            XCTAssertEqual(actual, expected, architecture.name)
        }
    }

    func assertRefused(_ file: SafeTensorsFile, mentioning phrase: String, line: UInt = #line) throws {
        let url = directory.appendingPathComponent("bad.safetensors")
        try file.write(to: url)
        XCTAssertThrowsError(try ModelFile.load(from: url), line: line) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains(phrase), "'\(message)' should mention '\(phrase)'", line: line)
            XCTAssertTrue(message.contains("bad.safetensors"), "'\(message)' should name the file", line: line)
            XCTAssertFalse(message.contains("\n"), "one line", line: line)
        }
    }

    /// `file` with metadata `key` set to each of `values` in turn is refused, in one line naming the fault.
    func assertRefused(_ file: SafeTensorsFile, with key: String, setTo values: [String], mentioning phrase: String,
                       line: UInt = #line) throws {
        for value in values {
            var changed = file
            changed.metadata[key] = value
            try assertRefused(changed, mentioning: phrase, line: line)
        }
    }

    func testRefusesWrongShapesMissingAndExtraTensors() throws {
        let good = ModelFile.contents(of: trainedLookingNetwork(.convnet))
        var reshaped = good
        reshaped.tensors[0].shape = [16, 2, 3, 3]
        try assertRefused(reshaped, mentioning: "shape")
        var missing = good
        missing.tensors.removeLast()
        try assertRefused(missing, mentioning: "missing")
        var extra = good
        extra.tensors.append(NamedTensor(name: "conv9.weight", shape: [1], values: [0]))
        try assertRefused(extra, mentioning: "conv9.weight")
    }

    func testRefusesForeignFormatVersionAndArchitecture() throws {
        let good = ModelFile.contents(of: trainedLookingNetwork(.convnet))
        var foreign = good
        foreign.metadata = [:]
        try assertRefused(foreign, mentioning: "not a digits model")
        var future = good
        future.metadata[ModelFile.Key.version] = "99"
        try assertRefused(future, mentioning: "version")
        var unknown = good
        unknown.metadata[ModelFile.Key.architecture] = "resnet152"
        try assertRefused(unknown, mentioning: "unknown architecture")
    }

    func testRefusesATruncatedFile() throws {
        let url = directory.appendingPathComponent("cut.safetensors")
        try ModelFile.save(trainedLookingNetwork(.convnet), to: url)
        let bytes = try Data(contentsOf: url)
        try bytes.prefix(bytes.count - 100).write(to: url)
        XCTAssertThrowsError(try ModelFile.load(from: url)) { error in
            XCTAssertTrue("\(error)".contains("cut.safetensors"), "\(error)")
        }
    }

    func testCheckpointIsNotMistakenForMissingState() throws {
        let url = directory.appendingPathComponent("plain.safetensors")
        try ModelFile.save(trainedLookingNetwork(.convnet), to: url)
        XCTAssertThrowsError(try Checkpoint.load(from: url)) { error in
            XCTAssertTrue("\(error)".contains("not a training checkpoint"), "\(error)")
        }
    }

    func testTemperatureAndTheNotADigitClassSurviveTheRoundTrip() throws {
        let network = trainedLookingNetwork(Architecture.bnnet.withNotADigitClass())
        network.temperature = 0.625
        let url = directory.appendingPathComponent("eleven.safetensors")
        try ModelFile.save(network, to: url)
        let (loaded, metadata) = try ModelFile.load(from: url)
        XCTAssertEqual(loaded.temperature, 0.625)
        XCTAssertEqual(loaded.architecture.classes, MNIST.classes + 1)
        XCTAssertEqual(metadata[ModelFile.Key.classes], "11")
        let images = randomTensor([2, MNIST.pixels], seed: 15).array.map(abs)
        let expected = images.withUnsafeBufferPointer { network.predict($0.baseAddress!, count: 2) }
        XCTAssertEqual(images.withUnsafeBufferPointer { loaded.predict($0.baseAddress!, count: 2) }, expected)
        XCTAssertEqual(expected.count, 2 * (MNIST.classes + 1))
    }

    func testAFileWithoutTemperatureOrClassesIsATenClassModelAtTemperatureOne() throws {
        var older = ModelFile.contents(of: trainedLookingNetwork(.convnet))
        older.metadata[ModelFile.Key.temperature] = nil
        older.metadata[ModelFile.Key.classes] = nil
        let url = directory.appendingPathComponent("older.safetensors")
        try older.write(to: url)
        let (loaded, _) = try ModelFile.load(from: url)
        XCTAssertEqual(loaded.temperature, 1)
        XCTAssertEqual(loaded.architecture.classes, MNIST.classes)
    }

    func testRefusesABadTemperatureOrClassCount() throws {
        let good = ModelFile.contents(of: trainedLookingNetwork(.convnet))
        try assertRefused(good, with: ModelFile.Key.temperature, setTo: ["0", "-2", "warm", "nan"], mentioning: "temperature")
        try assertRefused(good, with: ModelFile.Key.classes, setTo: ["12"], mentioning: "12 classes")
        // Eleven classes promised, ten stored: the last layer's shape gives it away.
        var mismatched = good
        mismatched.metadata[ModelFile.Key.classes] = "11"
        try assertRefused(mismatched, mentioning: "shape")
    }

    func testAnEnsembleSurvivesTheRoundTripAndABadMemberCountIsRefused() throws {
        let members = [trainedLookingNetwork(.bnnet.withNotADigitClass()), Network(architecture: .bnnet.withNotADigitClass())]
        members[1].initialize(seed: 21)
        let ensemble = try Network.joining(members)
        ensemble.temperature = 0.75
        let url = directory.appendingPathComponent("pair.safetensors")
        try ModelFile.save(ensemble, to: url)
        let (loaded, metadata) = try ModelFile.load(from: url)
        XCTAssertEqual(metadata[ModelFile.Key.members], "2")
        XCTAssertEqual(loaded.architecture, ensemble.architecture)
        XCTAssertEqual(loaded.temperature, 0.75)
        let images = randomTensor([2, MNIST.pixels], seed: 16).array.map(abs)
        let expected = images.withUnsafeBufferPointer { ensemble.predict($0.baseAddress!, count: 2) }
        XCTAssertEqual(images.withUnsafeBufferPointer { loaded.predict($0.baseAddress!, count: 2) }, expected)

        let good = ModelFile.contents(of: ensemble)
        try assertRefused(good, with: ModelFile.Key.members, setTo: ["0", "-1", "two", "17", "100000"], mentioning: "members")
        // Three members promised, two stored.
        try assertRefused(good, with: ModelFile.Key.members, setTo: ["3"], mentioning: "m3.conv1.weight")
        // A single network's file read as a pair: its tensors are not named for members.
        var single = ModelFile.contents(of: members[0])
        single.metadata[ModelFile.Key.members] = "2"
        try assertRefused(single, mentioning: "m1.conv1.weight")
    }
}
