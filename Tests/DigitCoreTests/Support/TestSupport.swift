// Helpers shared by tests that write files: a fresh temporary directory per test.

import Foundation
import XCTest
@testable import DigitCore

/// A new empty directory under the system's temporary directory; removed by `removeTemporaryDirectory`.
func makeTemporaryDirectory(_ label: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("digits-\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Asserts `body` throws an error whose one-line description contains every phrase.
func assertFails<T>(_ body: @autoclosure () throws -> T, mentioning phrases: [String],
                    file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try body(), file: file, line: line) { error in
        let message = "\(error)"
        for phrase in phrases {
            XCTAssertTrue(message.contains(phrase), "'\(message)' should mention '\(phrase)'", file: file, line: line)
        }
        XCTAssertFalse(message.unicodeScalars.contains { $0 == "\n" || $0 == "\r" }, "'\(message)' should be one line",
                       file: file, line: line)
    }
}

/// Images whose label is readable from where the ink is: digit d lights a bar in row band d.
func barImages(count: Int, seed: UInt64) -> LabeledImages {
    var rng = SplitMix64(seed: seed)
    var pixels = [UInt8](repeating: 0, count: count * MNIST.pixels)
    var labels = [UInt8]()
    for i in 0..<count {
        let label = Int(rng.next() % UInt64(MNIST.classes))
        labels.append(UInt8(label))
        let row = 2 + label * 2 + Int(rng.next() % 2)
        for col in 4..<24 { pixels[i * MNIST.pixels + row * MNIST.side + col] = UInt8(200 + rng.next() % 56) }
    }
    return LabeledImages(count: count, rows: MNIST.side, cols: MNIST.side, pixels: pixels, labels: labels)
}
