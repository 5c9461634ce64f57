// Finds the ink worth framing on a canvas: its bounding box, with stray specks and faint smudges left out
// so that they cannot stretch the box the preprocessor scales to 20x20.

import CKernels

/// The main ink of a canvas: the bounding box of its confident pixels after dropping specks.
///
/// Pixels at or above `faintThreshold` are grouped on a coarse grid of cells (about `gridCellsPerSide` per
/// side) into 8-connected blobs; a blob whose total ink is below `speckMassFraction` of the largest blob's
/// is a speck. Grouping cells instead of pixels keeps this one pass over the canvas plus a flood fill over
/// a few thousand cells, and lets nearby pieces of one digit (the two strokes of a 4) join.
struct InkRegion {
    /// Coverage below this never defines the box (anti-aliasing fringes, scanner noise).
    static let faintThreshold: Float = 0.1
    /// The speck grid has about this many cells along the canvas's longer side.
    static let gridCellsPerSide = 56
    /// A blob with less than this fraction of the largest blob's ink is a speck.
    static let speckMassFraction: Float = 0.05

    /// The box, half-open in pixels: columns x0..<x1, rows y0..<y1.
    var x0 = Int.max, y0 = Int.max, x1 = 0, y1 = 0
    /// Side of a grid cell in pixels, and cells per grid row.
    let cell: Int, gridWidth: Int
    /// Per cell: true when it belongs to a speck (empty when there is no speck).
    var speckCells: [Bool] = []

    var hasSpecks: Bool { !speckCells.isEmpty }

    /// The main ink of `pixels` (`width` x `height` coverage), or nil when no pixel reaches `faintThreshold`.
    static func find(in pixels: [Float], width: Int, height: Int) -> InkRegion? {
        let cell = max(1, (max(width, height) + gridCellsPerSide - 1) / gridCellsPerSide)
        let gridWidth = (width + cell - 1) / cell, gridHeight = (height + cell - 1) / cell
        var region = InkRegion(cell: cell, gridWidth: gridWidth)
        let (mass, peak) = cellSummaries(pixels, width: width, height: height, cell: cell,
                                         gridWidth: gridWidth, gridHeight: gridHeight)
        let strong = peak.map { $0 >= faintThreshold }
        region.markSpecks(strong: strong, mass: mass, gridHeight: gridHeight)
        region.measureBox(pixels, width: width, height: height, strong: strong)
        return region.x0 < region.x1 ? region : nil
    }

    /// Per grid cell, the total ink and the strongest pixel. One band of `cell` rows at a time: element-wise
    /// column sums and maxima over the band (which vectorize), then each cell reduces its `cell` columns.
    private static func cellSummaries(_ pixels: [Float], width: Int, height: Int, cell: Int,
                                      gridWidth: Int, gridHeight: Int) -> (mass: [Float], peak: [Float]) {
        let count = gridWidth * gridHeight
        var mass = [Float](repeating: 0, count: count), peak = [Float](repeating: 0, count: count)
        var columns = [Float](repeating: 0, count: 2 * width)
        digits_ink_cells(pixels, width, height, cell, gridWidth, gridHeight, &columns, &mass, &peak)
        return (mass, peak)
    }

    /// Labels the 8-connected blobs of strong cells and marks those far lighter than the heaviest.
    private mutating func markSpecks(strong: [Bool], mass: [Float], gridHeight: Int) {
        var label = [Int32](repeating: -1, count: strong.count), stack = label
        var blobMass = [Float](repeating: 0, count: strong.count)
        let blobs = digits_ink_blobs(strong, mass, gridWidth, gridHeight, &label, &stack, &blobMass)
        blobMass.removeLast(blobMass.count - blobs)
        guard let heaviest = blobMass.max() else { return }
        let isSpeck = blobMass.map { $0 < Self.speckMassFraction * heaviest }
        guard isSpeck.contains(true) else { return }
        speckCells = label.map { $0 >= 0 && isSpeck[Int($0)] }
    }

    /// The bounding box of pixels at or above `faintThreshold` in strong, non-speck cells. Every such cell
    /// holds one of those pixels, so only the cells on the cell-level box's edges need a pixel scan.
    private mutating func measureBox(_ pixels: [Float], width: Int, height: Int, strong: [Bool]) {
        var kept = strong
        if hasSpecks { for i in kept.indices where speckCells[i] { kept[i] = false } }
        var cellLeft = Int.max, cellTop = Int.max, cellRight = -1, cellBottom = -1
        for i in kept.indices where kept[i] {
            let cx = i % gridWidth, cy = i / gridWidth
            cellLeft = min(cellLeft, cx); cellRight = max(cellRight, cx)
            cellTop = min(cellTop, cy); cellBottom = max(cellBottom, cy)
        }
        guard cellRight >= 0 else { return }
        var left = Int.max, top = Int.max, right = 0, bottom = 0
        let cell = self.cell, gridWidth = self.gridWidth, threshold = Self.faintThreshold
        pixels.withUnsafeBufferPointer { p in
            for cy in cellTop...cellBottom {
                for cx in cellLeft...cellRight where kept[cy * gridWidth + cx] {
                    guard cx == cellLeft || cx == cellRight || cy == cellTop || cy == cellBottom else { continue }
                    for y in (cy * cell)..<min(cy * cell + cell, height) {
                        for x in (cx * cell)..<min(cx * cell + cell, width) where p[y * width + x] >= threshold {
                            left = min(left, x); right = max(right, x + 1)
                            top = min(top, y); bottom = max(bottom, y + 1)
                        }
                    }
                }
            }
        }
        (x0, y0, x1, y1) = (left, top, right, bottom)
    }

    /// A copy of `pixels` with every speck cell cleared, so specks add nothing to the resampled image.
    func removingSpecks(from pixels: [Float], width: Int, height: Int) -> [Float] {
        var cleaned = pixels
        cleaned.withUnsafeMutableBufferPointer { p in
            for y in 0..<height {
                let row = y * width, cellRow = (y / cell) * gridWidth
                for cx in 0..<gridWidth where speckCells[cellRow + cx] {
                    for x in (cx * cell)..<min(cx * cell + cell, width) { p[row + x] = 0 }
                }
            }
        }
        return cleaned
    }
}
