// Helpers shared by tests that write files: a fresh temporary directory per test.

import Foundation
import XCTest

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
