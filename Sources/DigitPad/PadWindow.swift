// The only Swift file that touches the C shim: owns the X window and turns its events into Swift values.

import CXPad
import DigitCore
import Synchronization

/// Something the window reports.
enum PadEvent: Equatable {
    case press(x: Int, y: Int, button: Int)
    case release(x: Int, y: Int, button: Int)
    case motion(x: Int, y: Int)
    case key(keysym: UInt, modifiers: UInt32)
    case expose
    case resize(width: Int, height: Int)
    case close
}

/// The window could not be opened, or the connection failed.
public struct PadError: Error, CustomStringConvertible {
    public let description: String
}

/// Wakes the event loop from another thread; does nothing once the window is gone.
final class PadWaker: Sendable {
    /// The shim's handle as an address: a plain integer crosses threads freely, a C pointer type does not.
    private let handle: Mutex<UInt?>

    fileprivate init(_ handle: OpaquePointer) { self.handle = Mutex(UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(handle)))) }

    /// `xpad_wake` writes one byte to a pipe, which is safe from any thread; the lock keeps it from racing the close.
    func wake() {
        handle.withLock { address in
            if let address, let pad = OpaquePointer(bitPattern: address) { xpad_wake(pad) }
        }
    }

    fileprivate func disconnect() { handle.withLock { $0 = nil } }
}

/// One X window; closed when released.
final class PadWindow {
    private let handle: OpaquePointer
    /// For the background queue, which must not hold the window itself.
    let waker: PadWaker

    /// Opens the window, or throws a one-line reason with a hint (no DISPLAY, server unreachable).
    init(width: Int, height: Int, minimumWidth: Int, minimumHeight: Int, title: String) throws {
        var message = [CChar](repeating: 0, count: 256)
        guard let pad = xpad_open(Int32(width), Int32(height), Int32(minimumWidth), Int32(minimumHeight), title,
                                  &message, message.count) else {
            throw PadError(description: String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) },
                                                  as: UTF8.self))
        }
        handle = pad
        waker = PadWaker(pad)
    }

    deinit {
        waker.disconnect()
        xpad_close(handle)
    }

    /// The next event within `timeoutMilliseconds` (negative waits forever); nil on timeout or `wake`.
    func nextEvent(timeoutMilliseconds: Int) throws -> PadEvent? {
        var e = xpad_event()
        switch xpad_next_event(handle, Int32(clamping: timeoutMilliseconds), &e) {
        case 0: return nil
        case 1: break
        default: throw PadError(description: "lost the connection to the X server")
        }
        let (x, y) = (Int(e.x), Int(e.y))
        switch Int(e.type) {
        case Int(XPAD_BUTTON_PRESS): return .press(x: x, y: y, button: Int(e.button))
        case Int(XPAD_BUTTON_RELEASE): return .release(x: x, y: y, button: Int(e.button))
        case Int(XPAD_MOTION): return .motion(x: x, y: y)
        case Int(XPAD_KEY): return .key(keysym: UInt(e.keysym), modifiers: e.state)
        case Int(XPAD_EXPOSE): return .expose
        case Int(XPAD_RESIZE): return .resize(width: Int(e.width), height: Int(e.height))
        case Int(XPAD_CLOSE): return .close
        default: return nil
        }
    }

    func present(_ frame: Raster) {
        frame.pixels.withUnsafeBufferPointer { _ = xpad_present(handle, $0.baseAddress, Int32(frame.width), Int32(frame.height)) }
    }

    var usesSharedMemory: Bool { xpad_uses_shared_memory(handle) != 0 }
}
