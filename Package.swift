// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "booktui",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "book-server", targets: ["book-server"]),
        .executable(name: "booktui", targets: ["booktui"]),
        .library(name: "BookClient", targets: ["BookClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        // Our MySQL/MariaDB driver (MariaDBKit) builds on these directly; Fluent brings them anyway.
        .package(url: "https://github.com/vapor/fluent-kit.git", from: "1.57.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        // The OpenAPI document is a YAML resource (Yams reads it); the tests check it with OpenAPIKit.
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/mattpolzin/OpenAPIKit.git", from: "6.4.0"),
    ],
    targets: [
        // The e-mail address rule the server, the client and the SMTP layer share (no dependencies).
        .target(name: "PlainEmail"),
        // One definition of a book (its fields, their limits, ISBNs, years) and the password rules,
        // shared by server and client: plain Swift, no Vapor and no curses (scripts/lint.sh checks).
        .target(name: "BookModel"),

        // The backend API: Vapor + Fluent, SQLite or PostgreSQL.
        .target(
            name: "BookServer",
            dependencies: [
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                // PBKDF2, to check the password hashes a seed deployment brings (import-django).
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
                "CYaz",
                "CMariaDB",
                "MariaDBKit",
                "PlainEmail",
                "BookModel",
            ],
            resources: [.copy("Resources/openapi.yaml")]
        ),
        // Index Data's YAZ (ZOOM C API) for ISBN lookups in library catalogues over Z39.50 and SRU.
        // pkg-config's yaz.pc adds -D flags SwiftPM refuses (a warning on every build); the one
        // that matters, YAZ_HAVE_XML2, is in the shim, and libxml2's include path is all we need.
        .systemLibrary(
            name: "CYaz",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libyaz-dev"]), .brew(["yaz"])]
        ),
        .executableTarget(name: "book-server", dependencies: ["BookServer"]),

        // The terminal client: a library that talks HTTP, a curses module, the screens, a thin executable.
        .target(
            name: "BookClient",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                // SHA-256 for PKCE and RSA for ID token signatures (Foundation has neither on Linux).
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                "PlainEmail",
                "BookModel",
            ]
        ),
        // No pkg-config: ncursesw.pc's -D flags are refused by SwiftPM; the shim defines what it needs.
        .systemLibrary(name: "CNcurses", providers: [.apt(["libncursesw5-dev"]), .brew(["ncurses"])]),
        // wcwidth, which Swift's Glibc module leaves out: booktui measures text without curses.
        .systemLibrary(name: "CWidth"),
        // QR codes of addresses (sign-in pages, web pages) with libqrencode.
        // MariaDB Connector/C: import-django reads a seed's MySQL or MariaDB database with it.
        .systemLibrary(name: "CMariaDB", providers: [.apt(["libmariadb-dev"]), .brew(["mariadb-connector-c"])]),
        // book-server's MySQL/MariaDB driver, ours (no Swift MySQL driver is among the packages we can
        // reach): Connector/C's blocking calls on a thread pool, a connection pool, SQLKit's dialect and
        // what Fluent needs, as fluent-sqlite-driver does for libsqlite3.
        .target(
            name: "MariaDBKit",
            dependencies: [
                "CMariaDB",
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "FluentSQL", package: "fluent-kit"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .systemLibrary(name: "CQRencode", providers: [.apt(["libqrencode-dev"]), .brew(["qrencode"])]),
        .target(name: "BookTUI", dependencies: ["BookClient", "CNcurses", "CWidth", "CQRencode"]),
        .executableTarget(
            name: "booktui",
            dependencies: [
                "BookTUI", "BookClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        .testTarget(
            name: "BookServerTests",
            dependencies: [
                "BookServer", "PlainEmail",
                .product(name: "OpenAPIKit30", package: "OpenAPIKit"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .testTarget(
            name: "BookClientTests",
            dependencies: ["BookClient", .product(name: "CryptoExtras", package: "swift-crypto")]
        ),
        .testTarget(name: "BookTUITests", dependencies: ["BookTUI"]),
        .testTarget(name: "BookModelTests", dependencies: ["BookModel"]),
        .testTarget(name: "MariaDBKitTests", dependencies: ["MariaDBKit"]),
    ]
)
