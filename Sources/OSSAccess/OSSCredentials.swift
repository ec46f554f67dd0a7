import Foundation

/// An AccessKey pair, and an STS token when the pair is temporary. Never printed: `description` hides it.
public struct OSSCredentials: Sendable, CustomStringConvertible {
    public var accessKeyID: String
    public var accessKeySecret: String
    public var securityToken: String?

    public init(accessKeyID: String, accessKeySecret: String, securityToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.accessKeySecret = accessKeySecret
        self.securityToken = securityToken
    }

    /// From the standard Alibaba Cloud variables; nil (anonymous: public objects only) when the id or
    /// the secret is missing or empty.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> OSSCredentials? {
        func value(_ name: String) -> String? {
            guard let text = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
            return text
        }
        guard let id = value("ALIBABA_CLOUD_ACCESS_KEY_ID"), let secret = value("ALIBABA_CLOUD_ACCESS_KEY_SECRET") else {
            return nil
        }
        return OSSCredentials(accessKeyID: id, accessKeySecret: secret, securityToken: value("ALIBABA_CLOUD_SECURITY_TOKEN"))
    }

    public var description: String { "OSSCredentials(<hidden>)" }
}
