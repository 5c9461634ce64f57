// libFuzzer's entry points: the harness named by DIGITS_FUZZ_HARNESS runs on every input. Besides crashes, leaks
// and timeouts, an error that is not one line naming the file is a finding.

import Foundation

/// The harness of this process, looked up once.
let harness: Harness = {
    let name = ProcessInfo.processInfo.environment["DIGITS_FUZZ_HARNESS"] ?? ""
    guard let harness = Harnesses.all[name] else {
        let known = Harnesses.all.keys.sorted().joined(separator: ", ")
        FileHandle.standardError.write(Data("digits-fuzz: set DIGITS_FUZZ_HARNESS to one of: \(known)\n".utf8))
        exit(2)
    }
    return harness
}()

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>,
                       _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    _ = harness
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    do {
        try harness.read(data, harness.file)
    } catch {
        let message = "\(error)"
        Harnesses.check(message.hasPrefix("\(harness.file): ") && Harnesses.isOneLine(message),
                        "an error must be one line naming the file: \(message)")
    }
    return 0
}
