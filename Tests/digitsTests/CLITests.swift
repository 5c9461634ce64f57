import XCTest
@testable import digits

final class CLITests: XCTestCase {
    func testRootParses() throws {
        XCTAssertNoThrow(try Digits.parseAsRoot(["--help"]))
    }
}
