// Loops over raw row pointers shared by the preprocessing passes; each runs once per row. The two element-wise
// ones are C kernels with AVX-512, AVX2 and baseline x86-64 paths (CKernels/ink.c); the sum stays a plain Swift
// loop, because its additions must keep their order for results to stay identical.

import CKernels

/// Row kernels for the preprocessing.
enum InkLoops {
    /// mass[x] += row[x] and moment[x] += position * row[x]: one row's share of the column masses and of
    /// the first moment along y.
    @inline(__always)
    static func accumulateMoments(row: UnsafePointer<Float>, position: Float, mass: UnsafeMutablePointer<Float>,
                                  moment: UnsafeMutablePointer<Float>, count: Int) {
        digits_ink_moments(row, position, mass, moment, count)
    }

    /// y[x] += weight * row[x] (axpy).
    @inline(__always)
    static func addScaled(_ row: UnsafePointer<Float>, weight: Float, into y: UnsafeMutablePointer<Float>,
                          count: Int) {
        digits_ink_add_scaled(row, weight, y, count)
    }

    /// The sum of `count` floats.
    @inline(__always)
    static func sum(_ values: UnsafePointer<Float>, count: Int) -> Float {
        var total: Float = 0
        for i in 0..<count { total += values[i] }
        return total
    }
}
