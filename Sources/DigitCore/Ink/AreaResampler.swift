// Area-averaging (box filter) resampling with exact fractional pixel coverage: the anti-aliased
// down-scaling MNIST used to fit each digit into 20x20.

/// Resamples a rectangle of a source image into a square output under x_out = x_src * scale + origin.
///
/// Output pixel u covers [u, u+1) in output coordinates, i.e. [(u - origin) / scale, (u + 1 - origin) / scale)
/// in source coordinates; its value is the source averaged over that footprint,
/// out(u, v) = scale^2 * sum_{x,y} src(x, y) * overlapX(u, x) * overlapY(v, y),
/// where overlapX is the length of [x, x+1) inside the footprint. The filter is separable: source rows are
/// combined first (vertically), then each combined row's columns (horizontally). Ink is conserved: sum(out) = scale^2 * sum(src) when nothing is clipped.
enum AreaResampler {
    /// Per output pixel, the first source index it overlaps and `taps` overlap lengths from there on.
    struct Weights {
        let taps: Int
        var first: [Int]
        var overlap: [Float]

        /// Overlaps between `outputCount` output pixels and source pixels 0..<`sourceCount`.
        init(outputCount: Int, sourceCount: Int, scale: Float, origin: Float) {
            let footprint = 1 / scale
            taps = Int(footprint.rounded(.up)) + 1
            first = [Int](repeating: 0, count: outputCount)
            overlap = [Float](repeating: 0, count: outputCount * taps)
            for u in 0..<outputCount {
                let lo = max((Float(u) - origin) * footprint, 0)
                let hi = min((Float(u + 1) - origin) * footprint, Float(sourceCount))
                let start = Int(lo.rounded(.down))
                first[u] = start
                guard hi > lo else { continue }
                for k in 0..<taps {
                    let x = Float(start + k)
                    let length = min(hi, x + 1) - max(lo, x)
                    if length > 0 { overlap[u * taps + k] = length }
                }
            }
        }
    }

    /// Resamples `source` (row-major, `sourceWidth` wide) restricted to columns x0..<x1 and rows y0..<y1
    /// into a `side` x `side` image; box coordinates are measured from (x0, y0). Rows are combined first (each
    /// output row is a weighted sum of whole source rows, which vectorizes), then the columns of each combined row.
    static func resample(_ source: [Float], sourceWidth: Int, x0: Int, y0: Int, x1: Int, y1: Int,
                         side: Int, scale: Float, originX: Float, originY: Float) -> [Float] {
        let boxWidth = x1 - x0, boxHeight = y1 - y0
        let columns = Weights(outputCount: side, sourceCount: boxWidth, scale: scale, origin: originX)
        let rows = Weights(outputCount: side, sourceCount: boxHeight, scale: scale, origin: originY)
        var combinedRows = [Float](repeating: 0, count: side * boxWidth)
        var output = [Float](repeating: 0, count: side * side)
        source.withUnsafeBufferPointer { src in
            combinedRows.withUnsafeMutableBufferPointer { mid in
                for v in 0..<side {
                    let start = rows.first[v]
                    for k in 0..<max(0, min(rows.taps, boxHeight - start)) where rows.overlap[v * rows.taps + k] > 0 {
                        InkLoops.addScaled(src.baseAddress! + (y0 + start + k) * sourceWidth + x0,
                                           weight: rows.overlap[v * rows.taps + k],
                                           into: mid.baseAddress! + v * boxWidth, count: boxWidth)
                    }
                }
            }
        }
        let area = scale * scale
        combinedRows.withUnsafeBufferPointer { mid in
            output.withUnsafeMutableBufferPointer { out in
                columns.overlap.withUnsafeBufferPointer { w in
                    for v in 0..<side {
                        let row = mid.baseAddress! + v * boxWidth
                        for u in 0..<side {
                            let start = columns.first[u]
                            var sum: Float = 0
                            for k in 0..<max(0, min(columns.taps, boxWidth - start)) {
                                sum += w[u * columns.taps + k] * row[start + k]
                            }
                            out[v * side + u] = min(sum * area, 1)
                        }
                    }
                }
            }
        }
        return output
    }
}
