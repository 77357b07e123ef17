import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Display widths come from the C library and need a UTF-8 locale, as booktui sets at start-up.
let utf8Locale: Bool = {
    setlocale(LC_CTYPE, "C.UTF-8") != nil || setlocale(LC_CTYPE, "en_US.UTF-8") != nil
}()
