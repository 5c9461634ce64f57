// im2col and col2im against their definitions, on the shapes the networks use and on rows wider than the
// vectorized paths take, with and without padding.

@testable import DigitCore
import XCTest

final class UnfoldTests: XCTestCase {
    private struct Shape {
        let channels, height, width, kernel, pad: Int
        var outHeight: Int { height + 2 * pad - kernel + 1 }
        var outWidth: Int { width + 2 * pad - kernel + 1 }
        var inputCount: Int { channels * height * width }
        var columnCount: Int { channels * kernel * kernel * outHeight * outWidth }

        /// The flat input index that column entry (c, u, v, i, j) reads, or nil where it reads padding.
        func source(_ c: Int, _ u: Int, _ v: Int, _ i: Int, _ j: Int) -> Int? {
            let y = i + u - pad, x = j + v - pad
            guard y >= 0, y < height, x >= 0, x < width else { return nil }
            return (c * height + y) * width + x
        }

        func forEachEntry(_ body: (_ column: Int, _ source: Int?) -> Void) {
            var column = 0
            for c in 0..<channels {
                for u in 0..<kernel {
                    for v in 0..<kernel {
                        for i in 0..<outHeight {
                            for j in 0..<outWidth {
                                body(column, source(c, u, v, i, j))
                                column += 1
                            }
                        }
                    }
                }
            }
        }
    }

    private let shapes = [
        Shape(channels: 1, height: 28, width: 28, kernel: 3, pad: 0),   // convnet conv1
        Shape(channels: 32, height: 13, width: 13, kernel: 3, pad: 0),  // convnet conv2
        Shape(channels: 1, height: 28, width: 28, kernel: 3, pad: 1),   // bnnet conv1, 'same'
        Shape(channels: 3, height: 9, width: 10, kernel: 5, pad: 2),
        Shape(channels: 2, height: 7, width: 40, kernel: 3, pad: 1),    // rows wider than 32 floats
        Shape(channels: 2, height: 6, width: 33, kernel: 3, pad: 0),
    ]

    func testIm2colReadsEachWindowAndZeroPadding() {
        onEveryKernelPath { path in
            for (index, shape) in shapes.enumerated() { im2colMatchesDefinition(shape, index: index, path: path) }
        }
    }

    private func im2colMatchesDefinition(_ shape: Shape, index: Int, path: String) {
        let x = randomTensor([shape.inputCount], seed: 80 + UInt64(index))
        var columns = [Float](repeating: .nan, count: shape.columnCount)
        columns.withUnsafeMutableBufferPointer {
            im2col(x.data, channels: shape.channels, height: shape.height, width: shape.width,
                   kernel: shape.kernel, pad: shape.pad, outHeight: shape.outHeight, outWidth: shape.outWidth,
                   into: $0.baseAddress!)
        }
        var wrong = 0
        shape.forEachEntry { column, source in
            if columns[column] != source.map({ x.data[$0] }) ?? 0 { wrong += 1 }
        }
        XCTAssertEqual(wrong, 0, "shape \(index), \(path)")
    }

    /// col2im is im2col's adjoint: every column entry is added back where it was read, in the same order.
    func testCol2imSumsEveryEntryBackExactly() {
        onEveryKernelPath { path in
            for (index, shape) in shapes.enumerated() { col2imMatchesDefinition(shape, index: index, path: path) }
        }
    }

    private func col2imMatchesDefinition(_ shape: Shape, index: Int, path: String) {
        let columns = randomTensor([shape.columnCount], seed: 90 + UInt64(index))
        var expected = [Float](repeating: 0, count: shape.inputCount)
        shape.forEachEntry { column, source in
            if let source { expected[source] += columns.data[column] }
        }
        // Entry order above is (c, u, v, i, j); each input position receives its terms in (u, v) order, which
        // the kernels keep, so the sums agree bit for bit.
        var x = [Float](repeating: .nan, count: shape.inputCount)
        x.withUnsafeMutableBufferPointer {
            col2im(columns.data, channels: shape.channels, height: shape.height, width: shape.width,
                   kernel: shape.kernel, pad: shape.pad, outHeight: shape.outHeight, outWidth: shape.outWidth,
                   into: $0.baseAddress!)
        }
        XCTAssertEqual(x, expected, "shape \(index), \(path)")
    }
}
