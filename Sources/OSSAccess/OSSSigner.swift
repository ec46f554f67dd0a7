internal import Digests
import Foundation

/// Pre-signed object URLs, byte for byte as the official SDK (oss2 `Bucket.sign_url`) makes them.
///
/// Pre-signed rather than an `Authorization` header: one URL, signed once for the whole read, serves every
/// range request of an object (`OSSObjectReader`). V4 (`OSS4-HMAC-SHA256`, HMAC-SHA256 with a key derived
/// for the day, region and service) whenever the region is known; V1 (HMAC-SHA1, `Signature`/`Expires`) only
/// where it is not (a custom or accelerate endpoint with no region in its name), since a V4 scope without
/// the right region is refused by OSS while V1 needs none.
public enum OSSSigner {
    /// Signature versions.
    public enum Version: Int, Sendable { case v1 = 1, v4 = 4 }

    /// The longest validity V4 allows (7 days).
    public static let maximumExpiry = 604_800

    /// A URL for `method` on the object, valid for `expires` seconds from `now`. V4 when `region` is given.
    public static func presignedURL(
        method: String, bucket: String, key: String, endpoint: OSSEndpoint,
        credentials: OSSCredentials, region: String?, expires: Int,
        now: Date = Date()
    ) -> String {
        let base = endpoint.objectURL(bucket: bucket, key: key)
        let expires = min(max(expires, 1), maximumExpiry)
        var params: [(String, String)] = []
        if let region, !region.isEmpty {
            let stamp = timestamp(now)
            let day = String(stamp.prefix(8))
            let scope = "\(day)/\(region)/oss/aliyun_v4_request"
            if let token = credentials.securityToken { params.append(("x-oss-security-token", token)) }
            params.append(("x-oss-date", stamp))
            params.append(("x-oss-expires", String(expires)))
            params.append(("x-oss-signature-version", "OSS4-HMAC-SHA256"))
            params.append(("x-oss-credential", "\(credentials.accessKeyID)/\(scope)"))
            let canonicalQuery =
                params
                .map { (OSSPercent.encode($0.0, keepSlash: false), OSSPercent.encode($0.1, keepSlash: false)) }
                .sorted { $0.0 < $1.0 }
                .map { $0.1.isEmpty ? $0.0 : "\($0.0)=\($0.1)" }
                .joined(separator: "&")
            let canonicalRequest = [
                method, OSSPercent.encode("/\(bucket)/\(key)", keepSlash: true), canonicalQuery,
                "", "", "UNSIGNED-PAYLOAD",
            ].joined(separator: "\n")
            let stringToSign = ["OSS4-HMAC-SHA256", stamp, scope, Digest.hex(Digest.sha256(Array(canonicalRequest.utf8)))]
                .joined(separator: "\n")
            var signingKey = hmac(.sha256, key: Array("aliyun_v4\(credentials.accessKeySecret)".utf8), day)
            for part in [region, "oss", "aliyun_v4_request"] { signingKey = hmac(.sha256, key: signingKey, part) }
            params.append(("x-oss-signature", Digest.hex(hmac(.sha256, key: signingKey, stringToSign))))
        } else {
            let expiry = String(Int64(now.timeIntervalSince1970.rounded(.down)) + Int64(expires))
            var resource = "/\(bucket)/\(key)"
            if let token = credentials.securityToken {
                resource += "?security-token=\(token)"
                params.append(("security-token", token))
            }
            let stringToSign = [method, "", "", expiry, resource].joined(separator: "\n")
            let signature = Data(hmac(.sha1, key: Array(credentials.accessKeySecret.utf8), stringToSign))
                .base64EncodedString()
            params.append(("OSSAccessKeyId", credentials.accessKeyID))
            params.append(("Expires", expiry))
            params.append(("Signature", signature))
        }
        let query = params.map { "\(OSSPercent.encode($0.0, keepSlash: false))=\(OSSPercent.encode($0.1, keepSlash: false))" }
        return base + "?" + query.joined(separator: "&")
    }

    /// `YYYYMMDDTHHMMSSZ` in UTC, as V4 dates requests.
    static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d%02d%02dT%02d%02d%02dZ", c.year ?? 0, c.month ?? 0, c.day ?? 0,
            c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }

    static func hmac(_ hash: Digest.Hash, key: [UInt8], _ message: String) -> [UInt8] {
        Digest.hmac(hash, key: key, message: Array(message.utf8))
    }
}
