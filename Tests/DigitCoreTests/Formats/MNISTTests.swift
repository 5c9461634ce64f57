// The real MNIST files, when they are here: in $DIGITS_MNIST_DIR, or in the package's Data/mnist.

import XCTest
@testable import DigitCore

final class MNISTTests: XCTestCase {
    func testShapeConstantsAgree() {
        XCTAssertEqual(MNIST.pixels, MNIST.side * MNIST.side)
    }

    /// $DIGITS_MNIST_DIR when set (so a wrong path fails loudly); otherwise Data/mnist in the package, when it holds
    /// both splits under any of the names the loader accepts; otherwise nil.
    static func realMNISTDirectory() -> URL? {
        if let dir = ProcessInfo.processInfo.environment["DIGITS_MNIST_DIR"] { return URL(fileURLWithPath: dir) }
        // This file is Tests/DigitCoreTests/Formats/MNISTTests.swift; the package root is three folders up.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let dir = root.appendingPathComponent("Data/mnist")
        let present = [MNISTSplit.train, .test].allSatisfy { split in
            split.file(.images, in: dir) != nil && split.file(.labels, in: dir) != nil
        }
        return present ? dir : nil
    }

    func testRealMNISTWhenAvailable() throws {
        guard let dir = Self.realMNISTDirectory() else {
            throw XCTSkip("no MNIST files in Data/mnist (scripts/fetch-mnist.sh) and DIGITS_MNIST_DIR is not set")
        }
        let train = try LabeledImages.load(.train, from: dir)
        let test = try LabeledImages.load(.test, from: dir)
        XCTAssertEqual([train.count, test.count], [60_000, 10_000])
        XCTAssertEqual([train.rows, train.cols, test.rows, test.cols], [MNIST.side, MNIST.side, MNIST.side, MNIST.side])
        let histogram = (0..<MNIST.classes).map { d in test.labels.filter { $0 == d }.count }
        XCTAssertTrue(histogram.allSatisfy { (850...1200).contains($0) }, "\(histogram)")
    }
}
