import Digests
import XCTest

/// The digests against their published test vectors: a wrong digest signs every OSS URL wrongly and splits one
/// long job key into two.
final class DigestTests: XCTestCase {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    func testSHA256MatchesFIPS180Vectors() {
        XCTAssertEqual(
            Digest.hex(Digest.sha256(bytes("abc"))), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(
            Digest.hex(Digest.sha256([])), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(
            Digest.hex(Digest.sha256(bytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    func testHMACSHA256MatchesRFC4231() {
        // Test case 1: a 20-byte key of 0x0b over "Hi There".
        XCTAssertEqual(
            Digest.hex(Digest.hmac(.sha256, key: [UInt8](repeating: 0x0b, count: 20), message: bytes("Hi There"))),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        // Test case 6: a key longer than the block size is hashed first.
        XCTAssertEqual(
            Digest.hex(
                Digest.hmac(
                    .sha256, key: [UInt8](repeating: 0xaa, count: 131),
                    message: bytes("Test Using Larger Than Block-Size Key - Hash Key First"))),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    func testHMACSHA1MatchesRFC2202() {
        let digest = Digest.hmac(.sha1, key: bytes("Jefe"), message: bytes("what do ya want for nothing?"))
        XCTAssertEqual(digest.count, 20)
        XCTAssertEqual(Digest.hex(digest), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
    }

    func testHexWritesTwoLowerCaseDigitsPerByte() {
        XCTAssertEqual(Digest.hex([0x00, 0x0f, 0xa0, 0xff]), "000fa0ff")
        XCTAssertEqual(Digest.hex([]), "")
    }
}
