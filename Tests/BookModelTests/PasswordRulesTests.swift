import Testing

@testable import BookModel

@Suite struct PasswordRulesTests {
    @Test func aGoodPasswordPasses() {
        #expect(PasswordRules.problems("correct-Horse-battery-9", username: "ann", email: "ann@example.org").isEmpty)
    }

    @Test func eachRuleSpeaksForItself() {
        #expect(PasswordRules.problems("abc") == ["This password is too short. It must contain at least 8 characters."])
        #expect(PasswordRules.problems("password") == ["This password is too common."])
        #expect(PasswordRules.problems("73914682") == ["This password is entirely numeric."])
        #expect(PasswordRules.problems("margaret1", username: "margaret") == ["The password is too similar to the username."])
        #expect(
            PasswordRules.problems("hoppergrace1", email: "gracehopper@example.org") == [
                "The password is too similar to the email address."
            ])
    }

    @Test func quickRatioMatchesPython() {
        // difflib.SequenceMatcher(None, "abcd", "bcde").quick_ratio() == 0.75
        #expect(PasswordRules.quickRatio("abcd", "bcde") == 0.75)
        #expect(PasswordRules.quickRatio("", "") == 1)
    }

    @Test func passwordsOver72BytesAreRefusedAlone() {
        #expect(PasswordRules.problems(String(repeating: "é", count: 37)) == [PasswordRules.overlong])
        #expect(PasswordRules.problems(String(repeating: "x", count: 100_000)) == [PasswordRules.overlong])
        #expect(
            !PasswordRules.problems("a-Fine-password-72-" + String(repeating: "z", count: 53)).contains(PasswordRules.overlong))
    }
}
