// The append-only file the personal samples live in: a header, then one checksummed record per sample, each
// written with a single write() and fsync, so a killed process leaves at most one torn record at the end.

import CZlib
import Foundation

/// The journal format. A record is `marker u32 | length u32 | payload | crc32(length, payload) u32`, all
/// little-endian, where the payload is `PersonalSample.encoded()`. Reading resynchronizes after a bad stretch by
/// looking for the next marker whose record checks, so one damaged record never hides the samples after it.
enum SampleJournal {
    static let magic = Array("DIGITSAMPLES".utf8)
    static let version: UInt32 = 1
    static let header: [UInt8] = {
        var out = ByteWriter()
        out.bytes = magic
        out.u32(version)
        return out.bytes
    }()
    static let marker: UInt32 = 0x4C50_4D53  // "SMPL" in file order
    /// Marker, length and checksum.
    static let framing = 12
    /// No sample comes near this; a larger length is damage, and bounds what a bad length makes us read.
    static let maxPayload = 1 << 24

    /// What a read of the journal found.
    struct Contents {
        var samples: [PersonalSample] = []
        /// Each sample's bytes in the file, in order.
        var records: [Range<Int>] = []
        /// Stretches that held no valid record, in order.
        var faults: [Range<Int>] = []

        /// Whether the only fault is at the very end: what a process killed while appending leaves.
        func endsInTornRecord(fileSize: Int) -> Bool { faults.count == 1 && faults[0].upperBound == fileSize }
    }

    /// One record's bytes.
    static func record(for sample: PersonalSample) -> [UInt8] {
        let payload = sample.encoded()
        var out = ByteWriter()
        out.u32(marker)
        out.u32(UInt32(payload.count))
        out.bytes += payload
        out.u32(checksum(out.bytes[4...]))
        return out.bytes
    }

    /// The journal's version, or nil when `bytes` does not start like a journal.
    static func version(of bytes: [UInt8]) -> UInt32? {
        guard bytes.count >= header.count, bytes.starts(with: magic) else { return nil }
        var reader = ByteReader(bytes[magic.count..<header.count])
        return reader.u32()
    }

    /// Reads every record from `start` (just past the header, or where an earlier read ended) to the end.
    static func read(_ bytes: [UInt8], from start: Int) -> Contents {
        var contents = Contents()
        var position = start
        while position < bytes.count {
            if let (sample, end) = decodeRecord(bytes, at: position) {
                contents.samples.append(sample)
                contents.records.append(position..<end)
                position = end
                continue
            }
            var next = position + 1
            while next < bytes.count && decodeRecord(bytes, at: next) == nil { next += 1 }
            contents.faults.append(position..<next)
            position = next
        }
        return contents
    }

    /// The record at `offset` and where it ends, when its marker, length, checksum and payload are all sound.
    static func decodeRecord(_ bytes: [UInt8], at offset: Int) -> (PersonalSample, Int)? {
        guard bytes.count - offset >= framing else { return nil }
        var reader = ByteReader(bytes[offset..<offset + 8])
        guard reader.u32() == marker, let length = reader.u32().map(Int.init), length <= maxPayload,
              length <= bytes.count - offset - framing else { return nil }
        let payloadEnd = offset + 8 + length
        var tail = ByteReader(bytes[payloadEnd..<payloadEnd + 4])
        guard tail.u32() == checksum(bytes[(offset + 4)..<payloadEnd]),
              let sample = PersonalSample.decode(bytes[(offset + 8)..<payloadEnd]) else { return nil }
        return (sample, payloadEnd + 4)
    }

    /// CRC-32 (zlib's) of `bytes`.
    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        UInt32(bytes.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) })
    }
}
