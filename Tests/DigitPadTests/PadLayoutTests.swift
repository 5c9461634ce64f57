// The window's layout at several sizes, the key map and the pixel font, all without a display.

import XCTest
@testable import DigitCore
@testable import DigitPad

final class PadLayoutTests: XCTestCase {
    func testDefaultLayoutPutsALargeCanvasTopLeft() {
        let size = PadLayout.defaultSize
        let layout = PadLayout(width: size.width, height: size.height)
        XCTAssertLessThanOrEqual(layout.canvas.x, 20)
        XCTAssertLessThanOrEqual(layout.canvas.y, 20)
        XCTAssertGreaterThanOrEqual(layout.canvas.width, 280)
        XCTAssertEqual(layout.canvas.width, layout.canvas.height, "square canvas")
    }

    func testNothingOverlapsAndEverythingFitsAtManySizes() {
        for (width, height) in [(748, 460), (600, 360), (1200, 900), (2000, 500), (560, 1000)] {
            let layout = PadLayout(width: width, height: height)
            XCTAssertFalse(layout.canvas.intersects(layout.panel), "\(width)x\(height)")
            XCTAssertFalse(layout.canvas.intersects(layout.footer), "\(width)x\(height)")
            XCTAssertFalse(layout.digitBox.intersects(layout.networkView), "\(width)x\(height)")
            XCTAssertGreaterThanOrEqual(layout.panel.width, PadLayout.minimumPanelWidth)
            for digit in 0..<9 {
                XCTAssertLessThanOrEqual(layout.barRow(digit).maxY, layout.barRow(digit + 1).y)
            }
            XCTAssertGreaterThan(layout.barRow(0).y, layout.digitBox.maxY)
        }
        let smallest = PadLayout(width: PadLayout.minimumSize.width, height: PadLayout.minimumSize.height)
        XCTAssertGreaterThanOrEqual(smallest.barRow(0).height, 16, "bars stay readable at the minimum size")
        XCTAssertLessThanOrEqual(smallest.barRow(9).maxY, smallest.panel.maxY)
        XCTAssertLessThanOrEqual(smallest.panel.maxX, PadLayout.minimumSize.width)
        let big = PadLayout(width: 1200, height: 900), small = PadLayout(width: 600, height: 360)
        XCTAssertGreaterThan(big.canvas.width, small.canvas.width, "the canvas grows with the window")
    }

    func testKeysMapToActions() {
        let control: UInt32 = 4
        XCTAssertEqual(PadKeys.action(keysym: 0x63, modifiers: 0), .clear)        // c
        XCTAssertEqual(PadKeys.action(keysym: 0x43, modifiers: 1), .clear)        // C with shift
        XCTAssertEqual(PadKeys.action(keysym: 0xFFFF, modifiers: 0), .clear)      // Delete
        XCTAssertEqual(PadKeys.action(keysym: 0xFF08, modifiers: 0), .clear)      // BackSpace
        XCTAssertEqual(PadKeys.action(keysym: 0xFF1B, modifiers: 0), .clear)      // Escape
        XCTAssertEqual(PadKeys.action(keysym: 0x7A, modifiers: control), .undo)   // Ctrl+Z
        XCTAssertEqual(PadKeys.action(keysym: 0x75, modifiers: 0), .undo)         // u
        XCTAssertEqual(PadKeys.action(keysym: 0x2B, modifiers: 1), .thicker)      // +
        XCTAssertEqual(PadKeys.action(keysym: 0x3D, modifiers: 0), .thicker)      // = (+ without shift)
        XCTAssertEqual(PadKeys.action(keysym: 0x2D, modifiers: 0), .thinner)      // -
        XCTAssertEqual(PadKeys.action(keysym: 0x71, modifiers: 0), .quit)         // q
        XCTAssertEqual(PadKeys.action(keysym: 0x71, modifiers: control), .quit)   // Ctrl+Q
        XCTAssertNil(PadKeys.action(keysym: 0x7A, modifiers: 0))                  // z alone does nothing
        XCTAssertNil(PadKeys.action(keysym: 0x63, modifiers: control))            // Ctrl+C is not clear
    }

    func testEveryCharacterTheWindowShowsHasAGlyph() {
        let shown = PadKeys.hints + "READING INPUT SURE NOT SURE: 4 OR 9? DRAW A DIGIT HERE BRUSH 0123456789%...?"
        for character in shown where character != " " {
            XCTAssertNotNil(PixelFont.bitmaps[Character(character.uppercased())], "no glyph for '\(character)'")
            XCTAssertTrue(PixelFont.bitmap(for: character).contains(true), "'\(character)' draws nothing")
        }
        XCTAssertTrue(PixelFont.glyphs.values.allSatisfy { $0.count == 7 && $0.allSatisfy { $0.count == 5 } })
    }

    func testTextRendersInk() {
        var frame = Raster(width: 40, height: 20)
        frame.text("7", x: 2, y: 2, scale: 2, 0xFFFFFF)
        XCTAssertGreaterThan(frame.pixels.filter { $0 == 0xFFFFFF }.count, 20)
        XCTAssertEqual(Raster.mix(0x000000, 0xFFFFFF, 0.5), 0x808080)
    }
}
