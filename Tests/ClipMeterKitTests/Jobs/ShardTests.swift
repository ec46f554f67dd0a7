import Foundation
import XCTest
@testable import ClipMeterKit

final class ShardTests: XCTestCase {
    func testParse() throws {
        XCTAssertTrue(try Shard.parse("2/4") == (2, 4))
        XCTAssertTrue(try Shard.parse(" 1/1 ") == (1, 1))
        for bad in ["0/4", "5/4", "1/0", "2", "a/b", "1/2/3", "-1/2", ""] {
            XCTAssertThrowsError(try Shard.parse(bad), bad) { error in
                XCTAssertTrue(error is ShardError)
            }
        }
    }

    func testHashIsFNV1aAndTheSameEverywhere() {
        // Published FNV-1a 64-bit test vectors: the split does not depend on this process or this machine.
        XCTAssertEqual(Shard.fnv1a64(""), 0xcbf2_9ce4_8422_2325)
        XCTAssertEqual(Shard.fnv1a64("a"), 0xaf63_dc4c_8601_ec8c)
        XCTAssertEqual(Shard.fnv1a64("foobar"), 0x8594_4171_f739_67e8)
        // 0xaf63dc4c8601ec8c mod 3 == 1, so "a" is in shard 2 of 3.
        XCTAssertTrue(Shard.includes("a", k: 2, n: 3))
        XCTAssertFalse(Shard.includes("a", k: 1, n: 3))
    }

    func testEveryJobIsInExactlyOneShard() {
        let ids = (0..<2_000).map { "batch-\($0 / 50)/job-\($0)" } + ["8e81933d44e3ae69e2f81485000000a1", "成片/一", ""]
        for n in [1, 2, 3, 7] {
            var sizes = Array(repeating: 0, count: n)
            for id in ids {
                let shards = (1...n).filter { Shard.includes(id, k: $0, n: n) }
                XCTAssertEqual(shards.count, 1, "\(id) in \(shards) of \(n)")
                if let shard = shards.first { sizes[shard - 1] += 1 }
            }
            // A usable split: no shard is starved.
            XCTAssertTrue(sizes.allSatisfy { $0 > ids.count / n / 2 }, "\(n): \(sizes)")
        }
    }
}
