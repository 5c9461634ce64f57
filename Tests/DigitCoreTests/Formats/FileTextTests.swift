// Text from files is quoted so that a message stays one readable line.

import XCTest
@testable import DigitCore

final class FileTextTests: XCTestCase {
    func testBreaksControlsAndQuotesAreEscaped() {
        XCTAssertEqual(quoted("conv1.weight"), "'conv1.weight'")
        XCTAssertEqual(quoted("a\nb\r\tc"), #"'a\nb\r\tc'"#)
        XCTAssertEqual(quoted("it's \\ \u{0}\u{7F}\u{85}\u{2028}\u{202E}"), #"'it\'s \\ \u{0}\u{7F}\u{85}\u{2028}\u{202E}'"#)
        XCTAssertEqual(quoted("Ziffer \u{00FC}ber 7"), "'Ziffer \u{00FC}ber 7'", "printable non-ASCII stays")
    }

    func testLongTextIsCut() {
        XCTAssertEqual(quoted(String(repeating: "x", count: 100), limit: 5), "'xxxxx...'")
        XCTAssertEqual(quoted("xxxxx", limit: 5), "'xxxxx'")
    }
}
