"""Published Midtrans known-answer vectors used by these tests (values byte-exact).

Source: Midtrans/SNAP-BI-Signature-Demo at commit a00d82ba98a9c89e197a29dd76d157c147f7ef01
(sample-code/asymmetricSignature and sample-code/symmetricSignature), as recorded in the
project's vector collection.
"""

from __future__ import annotations

DEMO_TOKEN_CLIENT_ID = "G1234325-SNAP"
DEMO_TOKEN_TIMESTAMP = "2024-03-01T08:27:49.024Z"
DEMO_TOKEN_SIGNATURE = (
    "WzW49tYIgKIBmBi/gVBHGLAkhEaZlXM11zcZxAiyHji6TLPjPbwLu3Z45it25AIeG0XDItcdTSkds47z"
    "FEMh6IP0PXPIP1+Ey4RmX/o2fuYRF/xBHvfvKnMmANMTS1axsXBSW3EHqYpbVrkCcqNnB3u+wu63us9W"
    "IhRZaWgxgQ2PJLaiVHIwgu9u7jxkWX7Bg4rerZH3RKdQfIJAAJsSN13efR7VdSAyzU7QaKjgislxrLqm"
    "esYNJkbD03XLjHdo6YWuzAVV7xdZRpLiGkIAkW7luXTBZYBO+4oENZAPQYzrLeN1qRY1Sr7BgLONCA2Q"
    "A26BB6SYW4R7qofS9+RyOQ=="
)
DEMO_PRIVATE_KEY_PEM = (
    "-----BEGIN PRIVATE KEY-----\n"
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCVZu2WHd4z5tbe\n"
    "fkAWPjbB10Lgvu1CpsuIIVtO/wrrvKeD2LArmYSf5QxeJGG8HYlVYVp8I8/EVqay\n"
    "JUbcyOd4aMLQFiCambDipecCfI7ecJ0K4+2ZneWOEq9JM91ZnGtwuLVdr1X/4/Nv\n"
    "yGuNvmLAyfpJkU14yZliAUqJJ656jpM+WfY+hOpcLOzUe2wzx5RV7wYCyMl7/d1i\n"
    "X33afJc6kbbUaA27yjlPdY6m0+DoZ0NNaRNZS7jzfJFtVXLTg/PgvwMNlMO/5Zyw\n"
    "BWIOfWsD+MHUC6P9QYrHai8ZwEf9r+GivlNsAFs4NTpw9MdPngrexJm29k1Xh4UM\n"
    "HV//jB1/AgMBAAECggEADcXGyitns/4oOauGyeYjUxw+eIxxP88zfRGiIralMZUb\n"
    "Fi7wEpzc2oaZbMZK0jYg1mOanU4J1a4tQMfp7+l/WRzDNL6Nc+MOKN6lXJfR7dSQ\n"
    "zZO0cBBbvIyhZwymb5/ZUbNdWM0UjvnbE6d0rsTpwp77+TMxYpynDJ9U2S70ySxe\n"
    "fGi7x4rK02/8xmj1fY/Ls+uoYhF4IbGJIkFvrlAdWyFvv6sCGBYxl5sPuitgQxPv\n"
    "Yc7dS7HE+6nZ+wWgoIXjC4CfxHBa9u3dfu3XAnPY3xpnVsbxCAH9OOIrZPY0C/Pq\n"
    "gj+EElCBChUzDiedV3XipKUweDA+64sNm5NjqlqU8QKBgQDFf5a9vHVf9r2CTOgm\n"
    "z5wTrK7aTwKwCNC4zpZUxDR8k7AV2gTelabpPWqUMZyRMUPs2hyBvhEWVNKxx3qs\n"
    "7BAVpmcttuS5/dLNVdhNPUC2IgZqf3jWH2aS3lkci8DATQCphrEXZ3jrNaIRtrSC\n"
    "kflE+yY8YP8b7ObktgvHz39JMQKBgQDBqCsMmOsQAveIQk5FGAMxsFU9G7OIBFHo\n"
    "xpwkKUCjoqGxM+YQqDvcVeXNd/HdLnmR05//eoONemuDyYy8XRoud4tpaRKU/FK7\n"
    "06WdljztB5rn2+cdUbmcU0fZiRQk+WuXsopZn3GUNvA/fQOW9qs7B5Rm5W71FeGk\n"
    "ZgsvlAUlrwKBgQCUgFFaLWCcXa01UpqkxCp5aLi5EfvVXWuD6mKDLlzA51PZums6\n"
    "6o/shO+kqoEtczu91mrk64NxpSof3vxRFdcqUEr4xrLJXx+oocnYmhwUVxU38s1r\n"
    "Q4UfHe0nV7YBYmUDE3IJRRZY1aUdaKHmI9iok6e2csCfwMwEYRYOkekFoQKBgCyy\n"
    "Oa1gpfA+Hw+N7i64ShRv1FyURi2Agb8uB9+4vbiG0rbpeZIioh5KnQ19P4+DKH/l\n"
    "zinTBwXiWWpDXH4lJuPOp5ierbFBQ38ibDkg8dLrTG9zK7ZypFpWRmEI6GNYReLv\n"
    "TEs/J6HDxFOC8Q8ow4COUUwmbCOY90lQXAiRK1b1AoGAScK1db9X5Ct+JtnjYyzi\n"
    "GYLwyPhHCQIVmEDfuvbMs74woQsrBm3dBB3b2vf9pqcSZB4WAbTQ3wCdxCJKg6MN\n"
    "6eXBO1M1lcIpZjCDyiXXi7PozNmkasRDUyDFwxlnyDLdRHL3FD+dh6do32FwGLBQ\n"
    "u256RIyMB13qIuqrc91Z0hM=\n"
    "-----END PRIVATE KEY-----"
)

DEMO_SYMMETRIC_METHOD = "POST"
DEMO_SYMMETRIC_PATH = "/v1.0/qr/qr-mpm-generate"
DEMO_SYMMETRIC_TOKEN = "myaccesstoken"
DEMO_SYMMETRIC_SECRET = "myclientsecret"
DEMO_SYMMETRIC_TIMESTAMP = "2024-03-05T10:37:16.196Z"
DEMO_SYMMETRIC_BODY = (
    "{\n"
    '  "partnerReferenceNo": "2020102900000000000001",\n'
    '  "amount": {\n'
    '    "value": "12345678.00",\n'
    '    "currency": "IDR"\n'
    "  },\n"
    '  "feeAmount": {\n'
    '    "value": "12345678.00",\n'
    '    "currency": "IDR"\n'
    "  },\n"
    '  "merchantId": "00007100010926",\n'
    '  "terminalId": "213141251124",\n'
    '  "validityPeriod": "2009-07-03T12:08:56-07:00"\n'
    "}"
)
DEMO_SYMMETRIC_SIGNATURE = (
    "wmzT7yjg1SxxCsxNsFgCR9SYXiZGGbceF6fV8xe97sAMHxZ+7OEBMIBmvb6Sj6GcksGp3iv77DiomgSbcST3XQ=="
)
