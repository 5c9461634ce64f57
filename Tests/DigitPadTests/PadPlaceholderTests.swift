import XCTest
@testable import DigitCore

final class PadPlaceholderTests: XCTestCase {
    func testShapeConstantsAgree() {
        XCTAssertEqual(MNIST.pixels, MNIST.side * MNIST.side)
    }
}
