"""Published Midtrans known-answer vectors, copied byte for byte from
``vectors/midtrans-demo.json`` (Midtrans/SNAP-BI-Signature-Demo at commit
a00d82ba98a9c89e197a29dd76d157c147f7ef01, and docs.midtrans.com/reference/signature-generation).

The expected stage values here come from those publications, never from bisnap.
"""

from __future__ import annotations

DEMO_PRIVATE_KEY_PEM = """-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCVZu2WHd4z5tbe
fkAWPjbB10Lgvu1CpsuIIVtO/wrrvKeD2LArmYSf5QxeJGG8HYlVYVp8I8/EVqay
JUbcyOd4aMLQFiCambDipecCfI7ecJ0K4+2ZneWOEq9JM91ZnGtwuLVdr1X/4/Nv
yGuNvmLAyfpJkU14yZliAUqJJ656jpM+WfY+hOpcLOzUe2wzx5RV7wYCyMl7/d1i
X33afJc6kbbUaA27yjlPdY6m0+DoZ0NNaRNZS7jzfJFtVXLTg/PgvwMNlMO/5Zyw
BWIOfWsD+MHUC6P9QYrHai8ZwEf9r+GivlNsAFs4NTpw9MdPngrexJm29k1Xh4UM
HV//jB1/AgMBAAECggEADcXGyitns/4oOauGyeYjUxw+eIxxP88zfRGiIralMZUb
Fi7wEpzc2oaZbMZK0jYg1mOanU4J1a4tQMfp7+l/WRzDNL6Nc+MOKN6lXJfR7dSQ
zZO0cBBbvIyhZwymb5/ZUbNdWM0UjvnbE6d0rsTpwp77+TMxYpynDJ9U2S70ySxe
fGi7x4rK02/8xmj1fY/Ls+uoYhF4IbGJIkFvrlAdWyFvv6sCGBYxl5sPuitgQxPv
Yc7dS7HE+6nZ+wWgoIXjC4CfxHBa9u3dfu3XAnPY3xpnVsbxCAH9OOIrZPY0C/Pq
gj+EElCBChUzDiedV3XipKUweDA+64sNm5NjqlqU8QKBgQDFf5a9vHVf9r2CTOgm
z5wTrK7aTwKwCNC4zpZUxDR8k7AV2gTelabpPWqUMZyRMUPs2hyBvhEWVNKxx3qs
7BAVpmcttuS5/dLNVdhNPUC2IgZqf3jWH2aS3lkci8DATQCphrEXZ3jrNaIRtrSC
kflE+yY8YP8b7ObktgvHz39JMQKBgQDBqCsMmOsQAveIQk5FGAMxsFU9G7OIBFHo
xpwkKUCjoqGxM+YQqDvcVeXNd/HdLnmR05//eoONemuDyYy8XRoud4tpaRKU/FK7
06WdljztB5rn2+cdUbmcU0fZiRQk+WuXsopZn3GUNvA/fQOW9qs7B5Rm5W71FeGk
ZgsvlAUlrwKBgQCUgFFaLWCcXa01UpqkxCp5aLi5EfvVXWuD6mKDLlzA51PZums6
6o/shO+kqoEtczu91mrk64NxpSof3vxRFdcqUEr4xrLJXx+oocnYmhwUVxU38s1r
Q4UfHe0nV7YBYmUDE3IJRRZY1aUdaKHmI9iok6e2csCfwMwEYRYOkekFoQKBgCyy
Oa1gpfA+Hw+N7i64ShRv1FyURi2Agb8uB9+4vbiG0rbpeZIioh5KnQ19P4+DKH/l
zinTBwXiWWpDXH4lJuPOp5ierbFBQ38ibDkg8dLrTG9zK7ZypFpWRmEI6GNYReLv
TEs/J6HDxFOC8Q8ow4COUUwmbCOY90lQXAiRK1b1AoGAScK1db9X5Ct+JtnjYyzi
GYLwyPhHCQIVmEDfuvbMs74woQsrBm3dBB3b2vf9pqcSZB4WAbTQ3wCdxCJKg6MN
6eXBO1M1lcIpZjCDyiXXi7PozNmkasRDUyDFwxlnyDLdRHL3FD+dh6do32FwGLBQ
u256RIyMB13qIuqrc91Z0hM=
-----END PRIVATE KEY-----
"""

DEMO_PUBLIC_KEY_PEM = """-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAlWbtlh3eM+bW3n5AFj42
wddC4L7tQqbLiCFbTv8K67yng9iwK5mEn+UMXiRhvB2JVWFafCPPxFamsiVG3Mjn
eGjC0BYgmpmw4qXnAnyO3nCdCuPtmZ3ljhKvSTPdWZxrcLi1Xa9V/+Pzb8hrjb5i
wMn6SZFNeMmZYgFKiSeueo6TPln2PoTqXCzs1HtsM8eUVe8GAsjJe/3dYl992nyX
OpG21GgNu8o5T3WOptPg6GdDTWkTWUu483yRbVVy04Pz4L8DDZTDv+WcsAViDn1r
A/jB1Auj/UGKx2ovGcBH/a/hor5TbABbODU6cPTHT54K3sSZtvZNV4eFDB1f/4wd
fwIDAQAB
-----END PUBLIC KEY-----
"""

# midtrans-demo-access-token
TOKEN_CLIENT_ID = "G1234325-SNAP"
TOKEN_TIMESTAMP = "2024-03-01T08:27:49.024Z"
TOKEN_STRING_TO_SIGN = "G1234325-SNAP|2024-03-01T08:27:49.024Z"
TOKEN_SIGNATURE = (
    "WzW49tYIgKIBmBi/gVBHGLAkhEaZlXM11zcZxAiyHji6TLPjPbwLu3Z45it25AIeG0XDItcdTSkds47zFEMh6IP0PXPI"
    "P1+Ey4RmX/o2fuYRF/xBHvfvKnMmANMTS1axsXBSW3EHqYpbVrkCcqNnB3u+wu63us9WIhRZaWgxgQ2PJLaiVHIwgu9u"
    "7jxkWX7Bg4rerZH3RKdQfIJAAJsSN13efR7VdSAyzU7QaKjgislxrLqmesYNJkbD03XLjHdo6YWuzAVV7xdZRpLiGkIA"
    "kW7luXTBZYBO+4oENZAPQYzrLeN1qRY1Sr7BgLONCA2QA26BB6SYW4R7qofS9+RyOQ=="
)

# midtrans-docs-access-token
DOCS_TOKEN_TIMESTAMP = "2023-07-31T07:10:00+07:00"
DOCS_TOKEN_SIGNATURE = (
    "iv5YorKVVFOFS59l0HChDvPe+HeoE/jY5CfVgCg5i16nj5/DVnKg49ilkv8PyeU7y38apHhgO+cUrvkfUs5BhDD69yLn"
    "7xp8hzN9RcR0UDy5+nCrQ3GGCVSzZJvlEXN+TB0j4Q6pMsjrq4+YRoyDa4mTlsjJTU9aGjLRFBYgY4MyMQ5x11JyLnoF"
    "wbS8TJ5e/q4mUozrp49VyHe7OQSFnJNwvMSFrDyAIxoOK0IZQIlY29PaDIFcWoR+RJAY42H2FryjJcPpNfeercbkj9js"
    "BLV3wmEKiNoN6lgFFLk5QicDnAAQzL45s92EYeCqDNuTTJOydaJbUqEo1d/ZPVNBtQ=="
)

# midtrans-demo-symmetric-transaction
TRANSACTION_PATH = "/v1.0/qr/qr-mpm-generate"
TRANSACTION_TOKEN = "myaccesstoken"
TRANSACTION_SECRET = "myclientsecret"
TRANSACTION_TIMESTAMP = "2024-03-05T10:37:16.196Z"
TRANSACTION_BODY = (
    '{\n  "partnerReferenceNo": "2020102900000000000001",\n  "amount": {\n'
    '    "value": "12345678.00",\n    "currency": "IDR"\n  },\n  "feeAmount": {\n'
    '    "value": "12345678.00",\n    "currency": "IDR"\n  },\n'
    '  "merchantId": "00007100010926",\n  "terminalId": "213141251124",\n'
    '  "validityPeriod": "2009-07-03T12:08:56-07:00"\n}'
)
TRANSACTION_MINIFIED = (
    '{"partnerReferenceNo":"2020102900000000000001","amount":{"value":"12345678.00",'
    '"currency":"IDR"},"feeAmount":{"value":"12345678.00","currency":"IDR"},'
    '"merchantId":"00007100010926","terminalId":"213141251124",'
    '"validityPeriod":"2009-07-03T12:08:56-07:00"}'
)
TRANSACTION_DIGEST = "01463f60dbb6ca538581579dd95b31c8ba9fc6600eca750e4d8460ca4e402111"
TRANSACTION_STRING_TO_SIGN = (
    "POST:/v1.0/qr/qr-mpm-generate:myaccesstoken:"
    "01463f60dbb6ca538581579dd95b31c8ba9fc6600eca750e4d8460ca4e402111:2024-03-05T10:37:16.196Z"
)
TRANSACTION_SIGNATURE = (
    "wmzT7yjg1SxxCsxNsFgCR9SYXiZGGbceF6fV8xe97sAMHxZ+7OEBMIBmvb6Sj6GcksGp3iv77DiomgSbcST3XQ=="
)

# midtrans-demo-notification-generation
NOTIFY_PATH = "/v1.0/debit/notify"
NOTIFY_TIMESTAMP = "2024-03-05T10:37:16.196Z"
NOTIFY_BODY = (
    '{\n    "createdTime": "2020-01-01T00:00:00+07:00",\n    "latestTransactionStatus": "00",\n'
    '    "originalReferenceNo": "gopayOrderId",\n'
    '    "finishedTime": "2020-01-02T00:00:00+07:00",\n'
    '    "originalPartnerReferenceNo": "merchant-order-id",\n'
    '    "transactionStatusDesc": "desc",\n    "originalExternalId": "merchant-order-id",\n'
    '    "additionalInfo": {\n        "payOptionDetails": [{\n'
    '            "payMethod": "GOPAY",\n            "payOption": "GOPAY_WALLET"\n        }],\n'
    '        "fraudStatus": "accept",\n        "refundHistory": [{\n'
    '            "refundNo": "96194816941239812",\n'
    '            "partnerReferenceNo": "239850918204981205970",\n'
    '            "refundAmount": {\n                "value": "12345678.00",\n'
    '                "currency": "IDR"\n            },\n            "refundStatus": "00",\n'
    '            "refundDate": "2020-12-23T07:44:16+07:00",\n'
    '            "reason": "Customer Complain"\n        }],\n'
    '        "validUpTo": "2021-01-01T00:00:00+07:00"\n    }\n}'
)
NOTIFY_MINIFIED = (
    '{"createdTime":"2020-01-01T00:00:00+07:00","latestTransactionStatus":"00",'
    '"originalReferenceNo":"gopayOrderId","finishedTime":"2020-01-02T00:00:00+07:00",'
    '"originalPartnerReferenceNo":"merchant-order-id","transactionStatusDesc":"desc",'
    '"originalExternalId":"merchant-order-id","additionalInfo":{"payOptionDetails":'
    '[{"payMethod":"GOPAY","payOption":"GOPAY_WALLET"}],"fraudStatus":"accept",'
    '"refundHistory":[{"refundNo":"96194816941239812","partnerReferenceNo":'
    '"239850918204981205970","refundAmount":{"value":"12345678.00","currency":"IDR"},'
    '"refundStatus":"00","refundDate":"2020-12-23T07:44:16+07:00","reason":"Customer Complain"}],'
    '"validUpTo":"2021-01-01T00:00:00+07:00"}}'
)
NOTIFY_DIGEST = "2ea1a3719499a0c45630f774b241a26a03d954fd8ab4a4d35cce05b5e37e4293"
NOTIFY_STRING_TO_SIGN = (
    "POST:/v1.0/debit/notify:2ea1a3719499a0c45630f774b241a26a03d954fd8ab4a4d35cce05b5e37e4293:"
    "2024-03-05T10:37:16.196Z"
)
NOTIFY_SIGNATURE = (
    "eUGsomFLNsjWzehgGsa317MqcVOgscay/Hml8yNmOsFhmoBM7pso+UPDgSe34anXvecSQkf5NOr0fbr8k9qdyyoWiYX7"
    "DTq/Wnz8XC0cRCCbNZfyLIyF33HO9cnvxOcRQq9DuWlQtld+uEluuivVdN2TiaWLpUTmfB/H7noZnXWWDj6FYa4n5kSo"
    "4o3aTeFYAF9EmLp0Tcsl8CiHSQCrQnIbB8M2+puLwyJ1l2OocvZ5qgjf5f2DqlCbemsSMzYzjN+YMrb0kiDx0TiW5UTk"
    "+WZass43xIfb3vdrlX+U2JSk5YsJ8lFpp9F+7FId4cyncElNFEbt3zWuP4iDzXteCg=="
)

# midtrans-demo-notification-verification
RECEIVED_BODY = (
    '{"originalPartnerReferenceNo":"GP24043015193402809","originalReferenceNo":'
    '"A120240430081940S9vu8gSjaRID","merchantId":"G099333790","amount":{"value":"102800.00",'
    '"currency":"IDR"},"latestTransactionStatus":"00","transactionStatusDesc":"SUCCESS",'
    '"additionalInfo":{"refundHistory":[]}}'
)
RECEIVED_TIMESTAMP = "2024-05-02T14:43:08+07:00"
RECEIVED_DIGEST = "79ebbe6a6b695262dd686d0dedafc57c94e3b3dededf8d63971f8a95699ace85"
RECEIVED_STRING_TO_SIGN = (
    "POST:/v1.0/debit/notify:79ebbe6a6b695262dd686d0dedafc57c94e3b3dededf8d63971f8a95699ace85:"
    "2024-05-02T14:43:08+07:00"
)
RECEIVED_SIGNATURE = (
    "RoJnP2tH/YiOhHM/lMVBMSAuzRmS8VrWdIy04Qqyb56daV7oWFMFoMMzqnjQ+q0MIUalYgU094GWQnCx2c29xb1kkqHh"
    "v2+iJ9xl6NjGmFGYqyvcKvUDAV83Y1Mw9JnsEcjcupdGw9/MRv/mm2GMrQ+BCZGfc4a46JDyPZbcY294vDGqs5rFBN6i"
    "Yer5ro4cAQGo9hET2G82Y+j50vCyO/79GFE4vB1rvtu6PK2Bxi+vTYV8k7P7PS8tOPWM2O+kjiVWjwvLR99Botou+a8s"
    "xlQqZaihfWMKcByzV+Lgkr9cptpjys+1NIRWT1ad/sJBSLHyldzC3q2oRn5z5oZmyg=="
)

# midtrans-docs-symmetric-string (the body behind the digest is not published)
DOCS_PATH = "/v1.0/debit/payment-host-to-host"
DOCS_TOKEN = "gp9HjjEj813Y9JGoqwOeOPWbnt4CupvIJbU1Mmu4a11MNDZ7Sg5u9a"
DOCS_TIMESTAMP = "2020-01-01T00:00:00+07:00"
DOCS_DIGEST = "56fa5f4999ad8014de49d7898c1d1d53472569db8999de3c1b752a0dd181e98c"
DOCS_SECRET = "fdppqbF5wq7vVegyvsV1CROMv646nJ7A"
DOCS_STRING_TO_SIGN = (
    "POST:/v1.0/debit/payment-host-to-host:gp9HjjEj813Y9JGoqwOeOPWbnt4CupvIJbU1Mmu4a11MNDZ7Sg5u9a:"
    "56fa5f4999ad8014de49d7898c1d1d53472569db8999de3c1b752a0dd181e98c:2020-01-01T00:00:00+07:00"
)
DOCS_SIGNATURE = (
    "FSlidRHe4ow9qppNifGVQNcdv67lBjgCiP0BHylh+IKXo4fs2rHaGsFNUY0N8t0rPlZs4iAHAOCDklnCccwuJw=="
)
