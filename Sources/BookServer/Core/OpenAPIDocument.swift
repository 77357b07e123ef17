import Vapor

/// The OpenAPI document served at `/api/schema/`; the test suite holds the server to it.
enum OpenAPIDocument {
    static func response() -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(string: json))
    }

    static let json = #"""
{
  "openapi": "3.0.3",
  "info": {
    "title": "Books API (book-server)",
    "version": "1.0.0",
    "description": "The seed's REST contract (Django REST framework + simplejwt) and our extensions. Paths end in '/'."
  },
  "servers": [
    {
      "url": "/"
    }
  ],
  "tags": [
    {
      "name": "auth"
    },
    {
      "name": "accounts"
    },
    {
      "name": "books"
    },
    {
      "name": "profile"
    },
    {
      "name": "meta"
    }
  ],
  "paths": {
    "/api/token/": {
      "post": {
        "summary": "Obtain a token pair",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "required": [
                  "username",
                  "password"
                ],
                "properties": {
                  "username": {
                    "type": "string",
                    "minLength": 1
                  },
                  "password": {
                    "type": "string",
                    "minLength": 1
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "Tokens",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/TokenPair"
                }
              }
            }
          },
          "400": {
            "description": "Validation errors, per field; or a detail for a body that is not a JSON object",
            "content": {
              "application/json": {
                "schema": {
                  "anyOf": [
                    {
                      "$ref": "#/components/schemas/FieldErrors"
                    },
                    {
                      "$ref": "#/components/schemas/Detail"
                    }
                  ]
                }
              }
            }
          },
          "401": {
            "description": "Wrong credentials or inactive account",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detail"
                }
              }
            }
          },
          "429": {
            "description": "Too many failed logins; see Retry-After",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detail"
                }
              }
            }
          }
        },
        "tags": [
          "auth"
        ],
        "description": "Passwords over 72 bytes are refused (400). After 5 failures for one username from one client address in 15 minutes: 429; attempts are counted before the password is checked."
      }
    },
    "/api/token/refresh/": {
      "post": {
        "summary": "Refresh (rotates the refresh token)",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "required": [
                  "refresh"
                ],
                "properties": {
                  "refresh": {
                    "type": "string",
                    "minLength": 1
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "New tokens",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/TokenPair"
                }
              }
            }
          },
          "400": {
            "description": "Validation errors, per field; or a detail for a body that is not a JSON object",
            "content": {
              "application/json": {
                "schema": {
                  "anyOf": [
                    {
                      "$ref": "#/components/schemas/FieldErrors"
                    },
                    {
                      "$ref": "#/components/schemas/Detail"
                    }
                  ]
                }
              }
            }
          },
          "401": {
            "description": "Invalid, expired or blacklisted",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detail"
                }
              }
            }
          }
        },
        "tags": [
          "auth"
        ],
        "description": "Rotates the refresh token. Using a rotated-out refresh token again ends the whole sign-in: every refresh and access token of it gets 401 (\"Signed out: ...\")."
      }
    },
    "/api/token/verify/": {
      "post": {
        "summary": "Verify a token",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "required": [
                  "token"
                ],
                "properties": {
                  "token": {
                    "type": "string",
                    "minLength": 1
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "Valid",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          },
          "400": {
            "description": "Validation errors, per field; or a detail for a body that is not a JSON object",
            "content": {
              "application/json": {
                "schema": {
                  "anyOf": [
                    {
                      "$ref": "#/components/schemas/FieldErrors"
                    },
                    {
                      "$ref": "#/components/schemas/Detail"
                    }
                  ]
                }
              }
            }
          },
          "401": {
            "description": "Invalid",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detail"
                }
              }
            }
          }
        },
        "tags": [
          "auth"
        ]
      }
    },
    "/api/logout/": {
      "post": {
        "summary": "Sign out: blacklist the refresh token (local accounts) or the calling access token (OIDC users, who need no body)",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "properties": {
                  "refresh_token": {
                    "type": "string"
                  }
                }
              }
            }
          }
        },
        "responses": {
          "205": {
            "description": "Signed out"
          },
          "400": {
            "description": "Validation errors, per field; or a detail for a body that is not a JSON object",
            "content": {
              "application/json": {
                "schema": {
                  "anyOf": [
                    {
                      "$ref": "#/components/schemas/FieldErrors"
                    },
                    {
                      "$ref": "#/components/schemas/Detail"
                    }
                  ]
                }
              }
            }
          },
          "401": {
            "description": "Not signed in, or the token is not valid",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detail"
                }
              }
            }
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "tags": [
          "auth"
        ]
      }
    },
    "/api/register/": {
      "post": {
        "summary": "Register a local account (inactive until activated)",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "required": [
                  "username",
                  "email",
                  "password"
                ],
                "properties": {
                  "username": {
                    "type": "string",
                    "minLength": 1
                  },
                  "email": {
                    "type": "string",
                    "minLength": 1
                  },
                  "password": {
                    "type": "string",
                    "minLength": 1
                  }
                }
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Created",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Registered"
                }
              }
            }
          },
          "400": {
            "description": "Validation errors, per field; or a detail for a body that is not a JSON object",
            "content": {
              "application/json": {
                "schema": {
                  "anyOf": [
                    {
                      "$ref": "#/components/schemas/FieldErrors"
                    },
                    {
                      "$ref": "#/components/schemas/Detail"
                    }
                  ]
                }
              }
            }
          }
        },
        "tags": [
          "accounts"
        ],
        "description": "An address that already has an account gets the same 201 answer (and no new account); its owner is mailed instead. Passwords are at most 72 bytes (UTF-8)."
      }
    },
    "/api/register/resend/": {
      "post": {
        "summary": "Send the activation link again",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "required": [
                  "email"
                ],
                "properties": {
                  "email": {
                    "type": "string",
                    "minLength": 1
                  }
                }
              }
            }
          }
        },
        "responses": {
          "202": {
            "description": "Accepted",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detail"
                }
              }
            }
          },
          "400": {
            "description": "Validation errors, per field; or a detail for a body that is not a JSON object",
            "content": {
              "application/json": {
                "schema": {
                  "anyOf": [
                    {
                      "$ref": "#/components/schemas/FieldErrors"
                    },
                    {
                      "$ref": "#/components/schemas/Detail"
                    }
                  ]
                }
              }
            }
          }
        },
        "tags": [
          "accounts"
        ],
        "description": "Always 202, answered before any lookup; at most 3 mails per address, and mails to 20 different addresses per client address, in 15 minutes are sent (the rest are only logged)."
      }
    },
    "/api/activate/": {
      "post": {
        "summary": "Activate with the uid and token from the mailed link",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "required": [
                  "uid",
                  "token"
                ],
                "properties": {
                  "uid": {
                    "type": "string",
                    "minLength": 1
                  },
                  "token": {
                    "type": "string",
                    "minLength": 1
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "Active",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detail"
                }
              }
            }
          },
          "400": {
            "description": "Validation errors, per field; or a detail for a body that is not a JSON object",
            "content": {
              "application/json": {
                "schema": {
                  "anyOf": [
                    {
                      "$ref": "#/components/schemas/FieldErrors"
                    },
                    {
                      "$ref": "#/components/schemas/Detail"
                    }
                  ]
                }
              }
            }
          }
        },
        "tags": [
          "accounts"
        ]
      }
    },
    "/api/password-reset/": {
      "post": {
        "summary": "Mail a password reset link",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "required": [
                  "email"
                ],
                "properties": {
                  "email": {
                    "type": "string",
                    "minLength": 1
                  }
                }
              }
            }
          }
        },
        "responses": {
          "202": {
            "description": "Accepted",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detail"
                }
              }
            }
          },
          "400": {
            "description": "Validation errors, per field; or a detail for a body that is not a JSON object",
            "content": {
              "application/json": {
                "schema": {
                  "anyOf": [
                    {
                      "$ref": "#/components/schemas/FieldErrors"
                    },
                    {
                      "$ref": "#/components/schemas/Detail"
                    }
                  ]
                }
              }
            }
          }
        },
        "tags": [
          "accounts"
        ],
        "description": "Always 202, answered before any lookup; at most 3 mails per address, and mails to 20 different addresses per client address, in 15 minutes are sent (the rest are only logged)."
      }
    },
    "/api/password-reset/confirm/": {
      "post": {
        "summary": "Set a new password with the mailed uid and token",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "required": [
                  "uid",
                  "token",
                  "new_password"
                ],
                "properties": {
                  "uid": {
                    "type": "string",
                    "minLength": 1
                  },
                  "token": {
                    "type": "string",
                    "minLength": 1
                  },
                  "new_password": {
                    "type": "string",
                    "minLength": 1
                  }
                }
              }
            }
          }
        },
        "responses": {
          "204": {
            "description": "Changed"
          },
          "400": {
            "description": "Validation errors, per field; or a detail for a body that is not a JSON object",
            "content": {
              "application/json": {
                "schema": {
                  "anyOf": [
                    {
                      "$ref": "#/components/schemas/FieldErrors"
                    },
                    {
                      "$ref": "#/components/schemas/Detail"
                    }
                  ]
                }
              }
            }
          }
        },
        "tags": [
          "accounts"
        ]
      }
    },
    "/api/password/change/": {
      "post": {
        "summary": "Change the password (blacklists every earlier refresh token)",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "required": [
                  "old_password",
                  "new_password"
                ],
                "properties": {
                  "old_password": {
                    "type": "string",
                    "minLength": 1
                  },
                  "new_password": {
                    "type": "string",
                    "minLength": 1
                  }
                }
              }
            }
          }
        },
        "responses": {
          "204": {
            "description": "Changed"
          },
          "400": {
            "description": "Validation errors, per field; or a detail for a body that is not a JSON object",
            "content": {
              "application/json": {
                "schema": {
                  "anyOf": [
                    {
                      "$ref": "#/components/schemas/FieldErrors"
                    },
                    {
                      "$ref": "#/components/schemas/Detail"
                    }
                  ]
                }
              }
            }
          },
          "401": {
            "description": "Not signed in, or the token is not valid",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detail"
                }
              }
            }
          },
          "429": {
            "description": "Too many wrong old passwords; see Retry-After",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detail"
                }
              }
            }
          }
        },
        "security": [
          {
            "bearer": []
          }
        ],
        "tags": [
          "accounts"
        ]
      }
    },
    "/api/books/": {
      "get": {
        "summary": "The caller's books",
        "tags": [
          "books"
        ],
        "security": [
          {
            "bearer": []
          }
        ],
        "parameters": [
          {
            "name": "page",
            "in": "query",
            "schema": {
              "type": "integer",
              "minimum": 1
            },
            "description": "With page or page_size the answer is a page object, else the seed's plain array"
          },
          {
            "name": "page_size",
            "in": "query",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 500
            }
          },
          {
            "name": "search",
            "in": "query",
            "schema": {
              "type": "string"
            },
            "description": "Title, author or ISBN, case-insensitive"
          },
          {
            "name": "is_available",
            "in": "query",
            "schema": {
              "type": "boolean"
            }
          },
          {
            "name": "ordering",
            "in": "query",
            "schema": {
              "type": "string",
              "enum": [
                "title",
                "-title",
                "author",
                "-author",
                "published_year",
                "-published_year",
                "created_at",
                "-created_at"
              ]
            }
          }
        ],
        "responses": {
          "200": {
            "description": "A plain array, or a page when page/page_size is given",
            "content": {
              "application/json": {
                "schema": {
                  "oneOf": [
                    {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/Book"
                      }
                    },
                    {
                      "$ref": "#/components/schemas/BookPage"
                    }
                  ]
                }
              }
            }
          },
          "400": {
            "description": "Validation errors, per field; or a detail for a body that is not a JSON object",
            "content": {
              "application/json": {
                "schema": {
                  "anyOf": [
                    {
                      "$ref": "#/components/schemas/FieldErrors"
                    },
                    {
                      "$ref": "#/components/schemas/Detail"
                    }
                  ]
                }
              }
            }
          },
          "401": {
            "description": "Not signed in, or the token is not valid",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detail"
                }
              }
            }
          },
          "404": {
            "description": "Invalid page",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detail"
                }
              }
            }
          }
        }
      },
      "post": {
        "summary": "Add a book (librarian)",
        "tags": [
          "books"
        ],
        "security": [
          {
            "bearer": []
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/BookWrite"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Created",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Book"
                }
              }
            }
          },
          "400": {
            "description": "Validation errors, per field; or a detail for a body that is not a JSON object",
            "content": {
              "application/json": {
                "schema": {
                  "anyOf": [
                    {
                      "$ref": "#/components/schemas/FieldErrors"
                    },
                    {
                      "$ref": "#/components/schemas/Detail"
                    }
                  ]
                }
              }
            }
          },
          "401": {
            "description": "Not signed in, or the token is not valid",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detail"
                }
              }
            }
          },
          "403": {
            "description": "The caller lacks the role",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detail"
                }
              }
            }
          }
        }
      }
    },
    "/api/books/bulk/": {
      "post": {
        "summary": "Add up to 500 books at once (librarian): per-item results, the valid ones in one transaction",
        "description": "Each item is checked as POST /api/books/ checks one. An item that matches one of the caller's books, or an earlier item, by ISBN, else by title + author + year (case and accents folded), is not added again: status 'exists' with that book's id.",
        "tags": [
          "books"
        ],
        "security": [
          {
            "bearer": []
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "required": [
                  "books"
                ],
                "properties": {
                  "books": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 500,
                    "items": {
                      "$ref": "#/components/schemas/BookWrite"
                    }
                  }
                }
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "At least one book added",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/BulkResult"
                }
              }
            }
          },
          "200": {
            "description": "Nothing added (all exist or are invalid)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/BulkResult"
                }
              }
            }
          },
          "400": {
            "description": "No 'books' list, or an empty one",
            "content": {
              "application/json": {
                "schema": {
                  "anyOf": [
                    {
                      "$ref": "#/components/schemas/FieldErrors"
                    },
                    {
                      "$ref": "#/components/schemas/Detail"
                    }
                  ]
                }
              }
            }
          },
          "401": {
            "description": "Not signed in, or the token is not valid",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detail"
                }
              }
            }
          },
          "403": {
            "description": "The caller lacks the role",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detail"
                }
              }
            }
          },
          "413": {
            "description": "More than 500 books, or a body over 8 MB",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detail"
                }
              }
            }
          }
        }
      }
    },
    "/api/books/{id}/": {
      "parameters": [
        {
          "name": "id",
          "in": "path",
          "required": true,
          "schema": {
            "type": "integer"
          }
        }
      ],
      "get": {
        "summary": "One of the caller's books",
        "tags": [
          "books"
        ],
        "security": [
          {
            "bearer": []
          }
        ],
        "responses": {
          "200": {
            "description": "The book",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Book"
                }
              }
            }
          },
          "401": {
            "description": "Not signed in, or the token is not valid",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detail"
                }
              }
            }
          },
          "404": {
            "description": "No such book of the caller's",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detail"
                }
              }
            }
          }
        }
      },
      "put": {
        "summary": "Replace (librarian)",
        "tags": [
          "books"
        ],
        "security": [
          {
            "bearer": []
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/BookWrite"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "Saved",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Book"
                }
              }
            }
          },
          "400": {
            "description": "Validation errors, per field; or a detail for a body that is not a JSON object",
            "content": {
              "application/json": {
                "schema": {
                  "anyOf": [
                    {
                      "$ref": "#/components/schemas/FieldErrors"
                    },
                    {
                      "$ref": "#/components/schemas/Detail"
                    }
                  ]
                }
              }
            }
          },
          "401": {
            "description": "Not signed in, or the token is not valid",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detail"
                }
              }
            }
          },
          "403": {
            "description": "The caller lacks the role",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detail"
                }
              }
            }
          },
          "404": {
            "description": "No such book of the caller's",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detail"
                }
              }
            }
          }
        }
      },
      "patch": {
        "summary": "Change some fields (librarian)",
        "tags": [
          "books"
        ],
        "security": [
          {
            "bearer": []
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/BookPatch"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "Saved",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Book"
                }
              }
            }
          },
          "400": {
            "description": "Validation errors, per field; or a detail for a body that is not a JSON object",
            "content": {
              "application/json": {
                "schema": {
                  "anyOf": [
                    {
                      "$ref": "#/components/schemas/FieldErrors"
                    },
                    {
                      "$ref": "#/components/schemas/Detail"
                    }
                  ]
                }
              }
            }
          },
          "401": {
            "description": "Not signed in, or the token is not valid",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detail"
                }
              }
            }
          },
          "403": {
            "description": "The caller lacks the role",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detail"
                }
              }
            }
          },
          "404": {
            "description": "No such book of the caller's",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detail"
                }
              }
            }
          }
        }
      },
      "delete": {
        "summary": "Delete (librarian)",
        "tags": [
          "books"
        ],
        "security": [
          {
            "bearer": []
          }
        ],
        "responses": {
          "204": {
            "description": "Deleted"
          },
          "401": {
            "description": "Not signed in, or the token is not valid",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detail"
                }
              }
            }
          },
          "403": {
            "description": "The caller lacks the role",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detail"
                }
              }
            }
          },
          "404": {
            "description": "No such book of the caller's",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detail"
                }
              }
            }
          }
        }
      }
    },
    "/api/profile/": {
      "get": {
        "summary": "The caller's profile",
        "tags": [
          "profile"
        ],
        "security": [
          {
            "bearer": []
          }
        ],
        "responses": {
          "200": {
            "description": "Profile",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Profile"
                }
              }
            }
          },
          "401": {
            "description": "Not signed in, or the token is not valid",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detail"
                }
              }
            }
          }
        }
      },
      "put": {
        "summary": "Update the profile",
        "tags": [
          "profile"
        ],
        "security": [
          {
            "bearer": []
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ProfileWrite"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "Profile",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Profile"
                }
              }
            }
          },
          "400": {
            "description": "Validation errors, per field; or a detail for a body that is not a JSON object",
            "content": {
              "application/json": {
                "schema": {
                  "anyOf": [
                    {
                      "$ref": "#/components/schemas/FieldErrors"
                    },
                    {
                      "$ref": "#/components/schemas/Detail"
                    }
                  ]
                }
              }
            }
          },
          "401": {
            "description": "Not signed in, or the token is not valid",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detail"
                }
              }
            }
          },
          "429": {
            "description": "Too many wrong current passwords; see Retry-After",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detail"
                }
              }
            }
          }
        },
        "description": "Changing email needs current_password; the new address takes effect only once confirmed from a link mailed to it (POST /api/profile/email/confirm/), and the old address is told. Provider (OIDC) accounts' email and names are read-only."
      },
      "patch": {
        "summary": "Update some profile fields",
        "tags": [
          "profile"
        ],
        "security": [
          {
            "bearer": []
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ProfileWrite"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "Profile",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Profile"
                }
              }
            }
          },
          "400": {
            "description": "Validation errors, per field; or a detail for a body that is not a JSON object",
            "content": {
              "application/json": {
                "schema": {
                  "anyOf": [
                    {
                      "$ref": "#/components/schemas/FieldErrors"
                    },
                    {
                      "$ref": "#/components/schemas/Detail"
                    }
                  ]
                }
              }
            }
          },
          "401": {
            "description": "Not signed in, or the token is not valid",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detail"
                }
              }
            }
          },
          "429": {
            "description": "Too many wrong current passwords; see Retry-After",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detail"
                }
              }
            }
          }
        },
        "description": "Changing email needs current_password; the new address takes effect only once confirmed from a link mailed to it (POST /api/profile/email/confirm/), and the old address is told. Provider (OIDC) accounts' email and names are read-only."
      }
    },
    "/api/lookup/isbn/{isbn}/": {
      "parameters": [
        {
          "name": "isbn",
          "in": "path",
          "required": true,
          "schema": {
            "type": "string"
          },
          "description": "ISBN-10 or ISBN-13; hyphens, spaces and a lower-case x allowed"
        }
      ],
      "get": {
        "summary": "Look a book up by ISBN in the configured sources (ISBN_SOURCES), cached",
        "tags": [
          "books"
        ],
        "security": [
          {
            "bearer": []
          }
        ],
        "responses": {
          "200": {
            "description": "A draft from the cache or the first source that knows the ISBN",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/LookupDraft"
                }
              }
            }
          },
          "400": {
            "description": "Not an ISBN, or its check digit is wrong",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/FieldErrors"
                }
              }
            }
          },
          "401": {
            "description": "Not signed in, or the token is not valid",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detail"
                }
              }
            }
          },
          "404": {
            "description": "No source knows this ISBN (or no source is configured)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detail"
                }
              }
            }
          },
          "503": {
            "description": "Every source failed or passed LOOKUP_TIMEOUT; messages name each source and why",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detail"
                }
              }
            }
          }
        }
      }
    },
    "/api/oidc/backchannel-logout/": {
      "post": {
        "summary": "OpenID Connect Back-Channel Logout: the provider ends a session (only with OIDC_ISSUER)",
        "description": "Called by the provider, not by clients. From a 200 on, access tokens of the logout token's session (sid), or of its subject issued before it, are refused.",
        "tags": [
          "auth"
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/x-www-form-urlencoded": {
              "schema": {
                "type": "object",
                "required": [
                  "logout_token"
                ],
                "properties": {
                  "logout_token": {
                    "type": "string"
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The session is logged out"
          },
          "400": {
            "description": "The logout token is missing or not valid",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "error"
                  ],
                  "properties": {
                    "error": {
                      "type": "string",
                      "enum": [
                        "invalid_request"
                      ]
                    },
                    "error_description": {
                      "type": "string"
                    }
                  }
                }
              }
            }
          },
          "404": {
            "description": "This server has no OpenID provider (OIDC_ISSUER unset)",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detail"
                }
              }
            }
          }
        }
      }
    },
    "/api/auth/config/": {
      "get": {
        "summary": "Which sign-in methods this server offers",
        "tags": [
          "meta"
        ],
        "responses": {
          "200": {
            "description": "Config",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/AuthConfig"
                }
              }
            }
          }
        }
      }
    },
    "/healthz": {
      "get": {
        "summary": "Liveness",
        "tags": [
          "meta"
        ],
        "responses": {
          "200": {
            "description": "Alive",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          }
        }
      }
    },
    "/readyz": {
      "get": {
        "summary": "Readiness (database reachable)",
        "tags": [
          "meta"
        ],
        "responses": {
          "200": {
            "description": "Ready",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          },
          "503": {
            "description": "Not ready",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          }
        }
      }
    },
    "/api/profile/email/confirm/": {
      "post": {
        "summary": "Confirm a new e-mail address with the uid and token from the link mailed to it",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "required": [
                  "uid",
                  "token"
                ],
                "properties": {
                  "uid": {
                    "type": "string",
                    "minLength": 1
                  },
                  "token": {
                    "type": "string",
                    "minLength": 1
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The address is changed",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Detail"
                }
              }
            }
          },
          "400": {
            "description": "Validation errors, per field; or a detail for a body that is not a JSON object",
            "content": {
              "application/json": {
                "schema": {
                  "anyOf": [
                    {
                      "$ref": "#/components/schemas/FieldErrors"
                    },
                    {
                      "$ref": "#/components/schemas/Detail"
                    }
                  ]
                }
              }
            }
          }
        },
        "tags": [
          "profile"
        ]
      }
    }
  },
  "components": {
    "securitySchemes": {
      "bearer": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT"
      }
    },
    "schemas": {
      "Detail": {
        "type": "object",
        "required": [
          "detail"
        ],
        "properties": {
          "detail": {
            "type": "string"
          },
          "code": {
            "type": "string"
          },
          "messages": {
            "type": "array",
            "items": {
              "type": "object"
            }
          }
        }
      },
      "BulkResult": {
        "type": "object",
        "required": [
          "created",
          "exists",
          "invalid",
          "results"
        ],
        "properties": {
          "created": {
            "type": "integer"
          },
          "exists": {
            "type": "integer"
          },
          "invalid": {
            "type": "integer"
          },
          "results": {
            "type": "array",
            "items": {
              "type": "object",
              "required": [
                "index",
                "status"
              ],
              "properties": {
                "index": {
                  "type": "integer"
                },
                "status": {
                  "type": "string",
                  "enum": [
                    "created",
                    "exists",
                    "invalid"
                  ]
                },
                "id": {
                  "type": "integer"
                },
                "errors": {
                  "$ref": "#/components/schemas/FieldErrors"
                }
              }
            }
          }
        }
      },
      "FieldErrors": {
        "type": "object",
        "additionalProperties": {
          "type": "array",
          "items": {
            "type": "string"
          }
        },
        "description": "Field name → messages; 'detail' for a body that is not JSON"
      },
      "TokenPair": {
        "type": "object",
        "required": [
          "access",
          "refresh"
        ],
        "properties": {
          "access": {
            "type": "string"
          },
          "refresh": {
            "type": "string"
          }
        }
      },
      "Registered": {
        "type": "object",
        "required": [
          "username",
          "email",
          "is_active"
        ],
        "properties": {
          "username": {
            "type": "string"
          },
          "email": {
            "type": "string"
          },
          "is_active": {
            "type": "boolean"
          },
          "detail": {
            "type": "string"
          }
        }
      },
      "Book": {
        "type": "object",
        "required": [
          "id",
          "title",
          "author",
          "published_year",
          "user",
          "is_available",
          "isbn",
          "publisher",
          "pages",
          "notes",
          "created_at",
          "updated_at"
        ],
        "properties": {
          "id": {
            "type": "integer"
          },
          "title": {
            "type": "string",
            "maxLength": 255
          },
          "author": {
            "type": "string",
            "maxLength": 255
          },
          "published_year": {
            "type": "integer"
          },
          "is_available": {
            "type": "boolean"
          },
          "isbn": {
            "type": "string",
            "nullable": true,
            "pattern": "^[0-9]{13}$"
          },
          "publisher": {
            "type": "string",
            "nullable": true,
            "maxLength": 100
          },
          "pages": {
            "type": "integer",
            "nullable": true,
            "minimum": 1,
            "maximum": 100000
          },
          "notes": {
            "type": "string",
            "nullable": true,
            "maxLength": 10000
          },
          "user": {
            "type": "integer",
            "readOnly": true
          },
          "created_at": {
            "type": "string",
            "format": "date-time",
            "nullable": true
          },
          "updated_at": {
            "type": "string",
            "format": "date-time",
            "nullable": true
          }
        }
      },
      "BookWrite": {
        "type": "object",
        "required": [
          "title",
          "author",
          "published_year"
        ],
        "properties": {
          "title": {
            "type": "string",
            "maxLength": 255,
            "minLength": 1
          },
          "author": {
            "type": "string",
            "maxLength": 255,
            "minLength": 1
          },
          "published_year": {
            "type": "integer"
          },
          "is_available": {
            "type": "boolean"
          },
          "isbn": {
            "type": "string",
            "nullable": true,
            "description": "ISBN-10 or ISBN-13; stored and returned as ISBN-13"
          },
          "publisher": {
            "type": "string",
            "nullable": true,
            "maxLength": 100
          },
          "pages": {
            "type": "integer",
            "nullable": true,
            "minimum": 1,
            "maximum": 100000
          },
          "notes": {
            "type": "string",
            "nullable": true,
            "maxLength": 10000
          }
        }
      },
      "BookPatch": {
        "type": "object",
        "properties": {
          "title": {
            "type": "string",
            "maxLength": 255,
            "minLength": 1
          },
          "author": {
            "type": "string",
            "maxLength": 255,
            "minLength": 1
          },
          "published_year": {
            "type": "integer"
          },
          "is_available": {
            "type": "boolean"
          },
          "isbn": {
            "type": "string",
            "nullable": true,
            "description": "ISBN-10 or ISBN-13; stored and returned as ISBN-13"
          },
          "publisher": {
            "type": "string",
            "nullable": true,
            "maxLength": 100
          },
          "pages": {
            "type": "integer",
            "nullable": true,
            "minimum": 1,
            "maximum": 100000
          },
          "notes": {
            "type": "string",
            "nullable": true,
            "maxLength": 10000
          }
        }
      },
      "BookPage": {
        "type": "object",
        "required": [
          "count",
          "next",
          "previous",
          "results"
        ],
        "properties": {
          "count": {
            "type": "integer"
          },
          "next": {
            "type": "string",
            "nullable": true
          },
          "previous": {
            "type": "string",
            "nullable": true
          },
          "results": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Book"
            }
          }
        }
      },
      "Profile": {
        "type": "object",
        "required": [
          "id",
          "username",
          "email",
          "first_name",
          "last_name",
          "date_joined",
          "last_login",
          "book_count",
          "roles",
          "auth_source",
          "pending_email"
        ],
        "properties": {
          "id": {
            "type": "integer"
          },
          "username": {
            "type": "string"
          },
          "email": {
            "type": "string"
          },
          "first_name": {
            "type": "string"
          },
          "last_name": {
            "type": "string"
          },
          "date_joined": {
            "type": "string",
            "format": "date-time",
            "nullable": true
          },
          "last_login": {
            "type": "string",
            "format": "date-time",
            "nullable": true
          },
          "book_count": {
            "type": "integer"
          },
          "roles": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "auth_source": {
            "type": "string",
            "enum": [
              "local",
              "oidc"
            ]
          },
          "pending_email": {
            "type": "string",
            "nullable": true,
            "description": "A new address waiting to be confirmed from its mailbox"
          }
        }
      },
      "ProfileWrite": {
        "type": "object",
        "properties": {
          "email": {
            "type": "string",
            "format": "email",
            "maxLength": 254
          },
          "first_name": {
            "type": "string",
            "maxLength": 150
          },
          "last_name": {
            "type": "string",
            "maxLength": 150
          },
          "current_password": {
            "type": "string",
            "description": "Required when email changes (local accounts)"
          }
        }
      },
      "AuthConfig": {
        "type": "object",
        "required": [
          "local",
          "registration",
          "oidc",
          "isbn_lookup"
        ],
        "properties": {
          "local": {
            "type": "boolean"
          },
          "registration": {
            "type": "boolean"
          },
          "oidc": {
            "type": "object",
            "nullable": true,
            "required": [
              "issuer",
              "client_id",
              "scopes",
              "device_authorization"
            ],
            "properties": {
              "issuer": {
                "type": "string"
              },
              "client_id": {
                "type": "string"
              },
              "scopes": {
                "type": "array",
                "items": {
                  "type": "string"
                }
              },
              "device_authorization": {
                "type": "boolean"
              }
            }
          },
          "isbn_lookup": {
            "type": "boolean",
            "description": "GET /api/lookup/isbn/{isbn}/ answers (ISBN_SOURCES names a source)"
          }
        }
      },
      "LookupDraft": {
        "type": "object",
        "required": [
          "isbn",
          "title",
          "subtitle",
          "authors",
          "author",
          "publisher",
          "published_year",
          "pages",
          "language",
          "edition",
          "subjects",
          "source"
        ],
        "properties": {
          "isbn": {
            "type": "string",
            "pattern": "^[0-9]{13}$",
            "description": "ISBN-13"
          },
          "title": {
            "type": "string"
          },
          "subtitle": {
            "type": "string",
            "nullable": true
          },
          "authors": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "author": {
            "type": "string",
            "description": "The authors as one string, comma-separated"
          },
          "publisher": {
            "type": "string",
            "nullable": true
          },
          "published_year": {
            "type": "integer",
            "nullable": true
          },
          "pages": {
            "type": "integer",
            "nullable": true
          },
          "language": {
            "type": "string",
            "nullable": true,
            "description": "MARC language code, e.g. eng"
          },
          "edition": {
            "type": "string",
            "nullable": true
          },
          "subjects": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "source": {
            "type": "string",
            "description": "The source that answered: openlibrary, z3950:HOST:PORT/DATABASE or sru:URL"
          }
        },
        "description": "A book as a source describes it, for a client to fill its add form; values are not cut to the book limits"
      }
    }
  }
}
"""#
}
