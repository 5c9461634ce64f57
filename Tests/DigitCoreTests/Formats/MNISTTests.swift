import XCTest
@testable import DigitCore

final class MNISTTests: XCTestCase {
    func testShapeConstantsAgree() {
        XCTAssertEqual(MNIST.pixels, MNIST.side * MNIST.side)
    }
}
