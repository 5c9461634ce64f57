// The personal dataset store: appends that survive reopening, a torn last record, damaged and foreign files set
// aside with a report, the IDX pair kept in step, and two handles on one folder.

import XCTest
@testable import DigitCore

final class PersonalDatasetTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws { directory = try makeTemporaryDirectory("personal") }
    override func tearDownWithError() throws { try FileManager.default.removeItem(at: directory) }

    /// Sample `n`: label n % 10, a pixel pattern of its own, and two strokes on a 100x80 canvas.
    func sample(_ n: Int) -> PersonalSample {
        var image = [UInt8](repeating: 0, count: MNIST.pixels)
        for i in 0..<MNIST.pixels where (i * 7 + n) % 11 == 0 { image[i] = UInt8(truncatingIfNeeded: 40 + n * 13 + i) }
        let strokes = [Stroke(points: [InkPoint(x: 20, y: 10), InkPoint(x: 50 + Float(n), y: 60)], radius: 6),
                       Stroke(points: [InkPoint(x: 30, y: 40)], radius: 4.5)]
        return PersonalSample(label: n % MNIST.classes, image: image, strokes: strokes, canvasWidth: 100,
                              canvasHeight: 80, recorded: Date(timeIntervalSince1970: 1_800_000_000 + Double(n)))
    }

    func journalBytes() throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(PersonalDataset.journalName)))
    }

    func writeJournal(_ bytes: [UInt8]) throws {
        try Data(bytes).write(to: directory.appendingPathComponent(PersonalDataset.journalName))
    }

    /// The IDX pair loads as `digits eval --images --labels` would read it, holding exactly `samples`.
    func assertIDXHolds(_ samples: [PersonalSample], file: StaticString = #filePath, line: UInt = #line) throws {
        let set = try LabeledImages.load(images: directory.appendingPathComponent(PersonalDataset.imagesName),
                                         labels: directory.appendingPathComponent(PersonalDataset.labelsName))
        XCTAssertEqual(set.pixels, samples.flatMap(\.image), file: file, line: line)
        XCTAssertEqual(set.labels, samples.map { UInt8($0.label) }, file: file, line: line)
    }

    func asideFiles(_ kind: String) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains(".\(kind)-") }
            .map { directory.appendingPathComponent($0) }
    }

    func testAppendsSurviveReopeningWithStrokesAndAnIDXPair() throws {
        XCTAssertFalse(PersonalDataset.exists(in: directory))
        let dataset = try PersonalDataset.open(directory)
        XCTAssertTrue(PersonalDataset.exists(in: directory))
        XCTAssertEqual(dataset.count, 0)
        try assertIDXHolds([])
        let samples = (0..<3).map(sample)
        for s in samples { XCTAssertEqual(try dataset.append(s), []) }
        try assertIDXHolds(samples)

        let reopened = try PersonalDataset.open(directory)
        XCTAssertEqual(reopened.samples, samples)
        XCTAssertEqual(reopened.notices, [])
        XCTAssertEqual(reopened.countsPerDigit, [1, 1, 1, 0, 0, 0, 0, 0, 0, 0])
    }

    func testASampleHalfWrittenByAKilledProcessIsDroppedAndKept() throws {
        let dataset = try PersonalDataset.open(directory)
        try dataset.append(sample(0))
        try dataset.append(sample(1))
        let whole = try journalBytes()
        // What a process killed inside its write() leaves: the first part of the next record.
        let record = SampleJournal.record(for: sample(2))
        try writeJournal(whole + record.prefix(record.count / 2))

        let reopened = try PersonalDataset.open(directory)
        XCTAssertEqual(reopened.samples, [sample(0), sample(1)])
        guard case let .tornRecordDropped(bytes, savedAs)? = reopened.notices.first, reopened.notices.count == 1 else {
            return XCTFail("expected one torn-record notice, got \(reopened.notices)")
        }
        XCTAssertEqual(bytes, record.count / 2)
        XCTAssertEqual([UInt8](try Data(contentsOf: savedAs)), Array(record.prefix(record.count / 2)))
        XCTAssertEqual(try journalBytes(), whole, "the journal is cut back to its last whole record")
        try reopened.append(sample(3))
        XCTAssertEqual(try PersonalDataset.open(directory).samples, [sample(0), sample(1), sample(3)])
    }

    func testABatchCutShortKeepsTheSamplesWrittenBeforeTheCut() throws {
        let dataset = try PersonalDataset.open(directory)
        try dataset.append(contentsOf: [sample(0), sample(1)])
        // One write of three records, killed inside the third.
        let batch = (2..<5).flatMap { SampleJournal.record(for: sample($0)) }
        try writeJournal(try journalBytes() + batch.dropLast(100))
        let reopened = try PersonalDataset.open(directory)
        XCTAssertEqual(reopened.samples, (0..<4).map(sample))
        guard case let .tornRecordDropped(bytes, _)? = reopened.notices.first else {
            return XCTFail("\(reopened.notices)")
        }
        XCTAssertEqual(bytes, SampleJournal.record(for: sample(4)).count - 100)
        try assertIDXHolds((0..<4).map(sample))
    }

    func testARecordWithABadChecksumAtTheEndIsDropped() throws {
        try PersonalDataset.open(directory).append(sample(0))
        var bytes = try journalBytes()
        bytes[bytes.count - 1] ^= 0xFF
        try writeJournal(bytes)
        let reopened = try PersonalDataset.open(directory)
        XCTAssertEqual(reopened.count, 0)
        XCTAssertEqual(try journalBytes(), SampleJournal.header)
        // The IDX pair still holds the dropped sample, so it is kept too rather than rewritten over.
        XCTAssertEqual(reopened.notices.count, 3, "\(reopened.notices)")
        guard case .tornRecordDropped? = reopened.notices.first else { return XCTFail("\(reopened.notices)") }
        let pair = reopened.notices.dropFirst()
        XCTAssertTrue(pair.allSatisfy { $0.description.contains("holds digits the journal does not") }, "\(pair)")
    }

    func testDamageBetweenRecordsSetsTheJournalAsideAndKeepsEveryGoodSample() throws {
        let dataset = try PersonalDataset.open(directory)
        for n in 0..<3 { try dataset.append(sample(n)) }
        var bytes = try journalBytes()
        let second = SampleJournal.header.count + SampleJournal.record(for: sample(0)).count
        bytes[second + 100] ^= 0x5A
        try writeJournal(bytes)

        let reopened = try PersonalDataset.open(directory)
        XCTAssertEqual(reopened.samples, [sample(0), sample(2)])
        guard case let .setAside(file, savedAs, reason)? = reopened.notices.first else {
            return XCTFail("expected the journal set aside, got \(reopened.notices)")
        }
        XCTAssertEqual(file.lastPathComponent, PersonalDataset.journalName)
        XCTAssertEqual([UInt8](try Data(contentsOf: savedAs)), bytes, "the damaged journal is kept as it was")
        XCTAssertTrue(reason.contains("kept the 2 samples"), reason)
        XCTAssertEqual(try PersonalDataset.open(directory).notices, [], "the rebuilt journal reads cleanly")
    }

    func testAForeignJournalIsSetAsideNotOverwritten() throws {
        try writeJournal(Array("my shopping list\n".utf8))
        let dataset = try PersonalDataset.open(directory)
        XCTAssertEqual(dataset.count, 0)
        let aside = try asideFiles("damaged").map { try String(contentsOf: $0, encoding: .utf8) }
        XCTAssertEqual(aside, ["my shopping list\n"])
        XCTAssertTrue(dataset.notices.first?.description.contains("not a digits sample journal") ?? false,
                      "\(dataset.notices)")
        try dataset.append(sample(4))
        XCTAssertEqual(try PersonalDataset.open(directory).samples, [sample(4)])
    }

    func testAJournalFromANewerVersionIsRefusedAndLeftAlone() throws {
        var header = SampleJournal.magic
        header += [2, 0, 0, 0]
        try writeJournal(header)
        assertFails(try PersonalDataset.open(directory), mentioning: ["newer", "version 2"])
        XCTAssertEqual(try journalBytes(), header)
    }

    func testATruncatedOrForeignIDXFileIsSetAsideAndRewritten() throws {
        let dataset = try PersonalDataset.open(directory)
        try dataset.append(sample(0))
        try dataset.append(sample(1))
        let images = directory.appendingPathComponent(PersonalDataset.imagesName)
        let original = try Data(contentsOf: images)
        try original.prefix(original.count - 9).write(to: images)
        var notices = try PersonalDataset.open(directory).notices
        XCTAssertEqual(notices.count, 1)
        XCTAssertTrue(notices[0].description.contains("truncated"), notices[0].description)
        try assertIDXHolds([sample(0), sample(1)])

        // A well-formed pair holding other digits may be the only copy of them: set aside, not overwritten.
        let other = LabeledImages([sample(5), sample(6)])
        try other.writeIDX(images: images, labels: directory.appendingPathComponent(PersonalDataset.labelsName))
        notices = try PersonalDataset.open(directory).notices
        XCTAssertEqual(notices.count, 2)
        XCTAssertTrue(notices.allSatisfy { $0.description.contains("holds digits the journal does not") },
                      "\(notices)")
        try assertIDXHolds([sample(0), sample(1)])
        XCTAssertEqual(try asideFiles("damaged").count, 3)
    }

    func testAnIDXPairThatLagsTheJournalIsBroughtInStepQuietly() throws {
        let dataset = try PersonalDataset.open(directory)
        try dataset.append(sample(0))
        try dataset.append(sample(1))
        // A process killed between its journal append and the IDX rewrite leaves the pair one sample behind.
        try LabeledImages([sample(0)]).writeIDX(images: directory.appendingPathComponent(PersonalDataset.imagesName),
                                               labels: directory.appendingPathComponent(PersonalDataset.labelsName))
        XCTAssertEqual(try PersonalDataset.open(directory).notices, [])
        try assertIDXHolds([sample(0), sample(1)])
    }

    func testTwoHandlesOnOneFolderSeeEachOthersAppends() throws {
        let first = try PersonalDataset.open(directory), second = try PersonalDataset.open(directory)
        try first.append(sample(0))
        try second.append(sample(1))
        XCTAssertEqual(second.samples, [sample(0), sample(1)])
        XCTAssertEqual(first.count, 1)
        try first.refresh()
        XCTAssertEqual(first.samples, [sample(0), sample(1)])
        try assertIDXHolds([sample(0), sample(1)])
    }

    func testAFolderThatCannotBeMadeIsReportedInOneLine() throws {
        let file = directory.appendingPathComponent("plain")
        try Data([1]).write(to: file)
        assertFails(try PersonalDataset.open(file), mentioning: ["plain", "not a folder"])
        assertFails(try PersonalDataset.open(file.appendingPathComponent("digits")), mentioning: ["plain"])
        let nested = try PersonalDataset.open(directory.appendingPathComponent("a/b/digits"))
        XCTAssertEqual(nested.count, 0)
    }

    func testTemporaryFilesOfKilledSavesAreRemoved() throws {
        let abandoned = directory.appendingPathComponent(".\(PersonalDataset.imagesName).999999999.partial")
        let someoneElses = directory.appendingPathComponent(".notes.txt.999999999.partial")
        for url in [abandoned, someoneElses] { try Data([1, 2, 3]).write(to: url) }
        _ = try PersonalDataset.open(directory)
        XCTAssertFalse(FileManager.default.fileExists(atPath: abandoned.path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: someoneElses.path))
    }

    func testStrokesRedrawAtAnotherBrushWidth() throws {
        let drawn = sample(3)
        let own = try XCTUnwrap(drawn.redrawn()), broad = try XCTUnwrap(drawn.redrawn(brushRadius: 12))
        XCTAssertEqual(own.count, MNIST.pixels)
        XCTAssertGreaterThan(broad.reduce(0, +), own.reduce(0, +), "a broader brush lays down more ink")
        XCTAssertNil(PersonalSample(label: 1, image: drawn.image).redrawn())
    }

    func testAPersonalModelThatDoesNotLoadIsSetAsideBeforeSaving() throws {
        let dataset = try PersonalDataset.open(directory)
        try Data("not a model".utf8).write(to: dataset.personalModelURL)
        let network = Network(architecture: .convnet)
        network.initialize(seed: 1)
        let notices = try dataset.savePersonalModel(network, metadata: [PersonalModel.Key.personal: "true"])
        XCTAssertEqual(notices.count, 1)
        XCTAssertEqual(try asideFiles("damaged").map { try String(contentsOf: $0, encoding: .utf8) }, ["not a model"])
        let found = try XCTUnwrap(try PersonalModel.locate(in: directory))
        XCTAssertTrue(PersonalModel.isPersonal(found.metadata))
    }

    func testDataDirectoryFollowsXDG() {
        XCTAssertEqual(DataDirectory.standard(environment: ["XDG_DATA_HOME": "/x/data", "HOME": "/home/a"]).path,
                       "/x/data/digits")
        XCTAssertEqual(DataDirectory.standard(environment: ["XDG_DATA_HOME": "relative", "HOME": "/home/a"]).path,
                       "/home/a/.local/share/digits", "a relative XDG_DATA_HOME is ignored")
        XCTAssertEqual(DataDirectory.standard(environment: ["HOME": "/home/a"]).path, "/home/a/.local/share/digits")
    }
}
