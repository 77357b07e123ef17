import Testing
import Vapor

@testable import BookServer

/// The seed's password hashes, as `import-django` keeps them. The vector is Python's
/// `hashlib.pbkdf2_hmac("sha256", b"correct horse", b"seedsalt123", 1000)`, which is what Django's
/// PBKDF2PasswordHasher computes.
@Suite struct DjangoPasswordTests {
    let digest = "pbkdf2_sha256$1000$seedsalt123$V6pht+K8MVRIs6xcRDOXlnR+35K6lHS7AVyRhXhyc9s="

    @Test func theRightPasswordMatches() {
        #expect(DjangoPassword.isDjangoHash(digest))
        #expect(DjangoPassword.verify("correct horse", digest: digest))
    }

    @Test func aWrongPasswordDoesNot() {
        #expect(!DjangoPassword.verify("correct horsE", digest: digest))
        #expect(!DjangoPassword.verify("", digest: digest))
    }

    @Test func malformedHashesMatchNothing() {
        for bad in [
            "pbkdf2_sha256$1000$seedsalt123", "pbkdf2_sha256$x$seedsalt123$V6pht+K8MVRIs6xcRDOXlnR+35K6lHS7AVyRhXhyc9s=",
            "pbkdf2_sha256$0$seedsalt123$V6pht+K8MVRIs6xcRDOXlnR+35K6lHS7AVyRhXhyc9s=",
            "pbkdf2_sha256$99999999$seedsalt123$V6pht+K8MVRIs6xcRDOXlnR+35K6lHS7AVyRhXhyc9s=",
            "pbkdf2_sha256$1000$$V6pht+K8MVRIs6xcRDOXlnR+35K6lHS7AVyRhXhyc9s=",
            "pbkdf2_sha256$1000$seedsalt123$AAAA",
        ] {
            #expect(!DjangoPassword.verify("correct horse", digest: bad), "\(bad)")
        }
    }

    @Test func unusablePasswordsAreRecognised() {
        #expect(DjangoPassword.isUnusable("!Jh5fS2kQ"))
        #expect(!DjangoPassword.isUnusable(digest))
    }

    @Test func thePoolChecksDjangoHashesAndRefusesUnusableOnes() async throws {
        let app = try await Application.make(.testing)
        app.passwords.use(.bcrypt(cost: 4))
        let pool = PasswordHasherPool(hasher: app.password.sync, threads: 1, queue: 4)
        #expect(try await pool.verify("correct horse", created: digest))
        #expect(try await !pool.verify("!", created: "!"))
        #expect(try await pool.verify("other", created: pool.hash("other")))
        try await pool.shutdown()
        try await app.asyncShutdown()
    }
}

extension DjangoPasswordTests {
    /// Django 4.2's own default: 600,000 rounds and a 22-character salt.
    @Test func aHashMadeByDjango42Matches() {
        let made = "pbkdf2_sha256$600000$GRA6kNmJy2ghCXubEQCaDB$jQMRpK8uLttNBNaKorhphKKbtlfrQsCx0o8M21tFolo="
        #expect(DjangoPassword.verify("Seed-Era-Passw0rd", digest: made))
    }
}
