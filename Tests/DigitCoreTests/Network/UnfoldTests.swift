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

    /// With rows `stride` floats apart (several samples side by side), each row holds what the packed layout holds,
    /// and the floats between rows are neither written by im2col nor read by col2im.
    func testStridedColumnsMatchPackedColumns() {
        onEveryKernelPath { path in
            for (index, shape) in shapes.enumerated() {
                let p = shape.outHeight * shape.outWidth, rows = shape.columnCount / p, stride = p * 2 + 3
                let x = randomTensor([shape.inputCount], seed: 100 + UInt64(index))
                let packed = Tensor(shape: [shape.columnCount])
                var strided = [Float](repeating: .nan, count: rows * stride)
                strided.withUnsafeMutableBufferPointer {
                    im2col(x.data, channels: shape.channels, height: shape.height, width: shape.width,
                           kernel: shape.kernel, pad: shape.pad, outHeight: shape.outHeight, outWidth: shape.outWidth,
                           columnStride: stride, into: $0.baseAddress! + 1)
                }
                im2col(x.data, channels: shape.channels, height: shape.height, width: shape.width, kernel: shape.kernel,
                       pad: shape.pad, outHeight: shape.outHeight, outWidth: shape.outWidth, into: packed.data)
                var wrong = 0, written = 0
                for r in 0..<rows {
                    for j in 0..<p where strided[1 + r * stride + j] != packed.data[r * p + j] { wrong += 1 }
                }
                for (i, value) in strided.enumerated() where !value.isNaN {
                    let r = (i - 1) / stride, j = (i - 1) % stride
                    if i == 0 || r >= rows || j >= p { written += 1 }
                }
                XCTAssertEqual(wrong, 0, "im2col shape \(index), \(path)")
                XCTAssertEqual(written, 0, "im2col wrote between rows: shape \(index), \(path)")

                // col2im of the strided matrix, NaN between its rows, against col2im of the packed one.
                let dPacked = randomTensor([shape.columnCount], seed: 110 + UInt64(index))
                var dStrided = [Float](repeating: .nan, count: rows * stride)
                for r in 0..<rows {
                    for j in 0..<p { dStrided[r * stride + j] = dPacked.data[r * p + j] }
                }
                let expected = Tensor(shape: [shape.inputCount]), actual = Tensor(shape: [shape.inputCount])
                col2im(dPacked.data, channels: shape.channels, height: shape.height, width: shape.width,
                       kernel: shape.kernel, pad: shape.pad, outHeight: shape.outHeight, outWidth: shape.outWidth,
                       into: expected.data)
                dStrided.withUnsafeBufferPointer {
                    col2im($0.baseAddress!, channels: shape.channels, height: shape.height, width: shape.width,
                           kernel: shape.kernel, pad: shape.pad, outHeight: shape.outHeight, outWidth: shape.outWidth,
                           columnStride: stride, into: actual.data)
                }
                XCTAssertEqual(actual.array, expected.array, "col2im shape \(index), \(path)")
            }
        }
    }
}
