"""The DynamoDB adapter Lambda uses: the ASK SDK's, with tight timeouts and a TTL attribute.

boto3 comes with the Lambda runtime and stays out of the zip. `AWS_ENDPOINT_URL_DYNAMODB`
(boto3's own setting) points it elsewhere, as the tests do with dynalite.
"""

from __future__ import annotations

from typing import Any

import boto3
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_dynamodb.adapter import DynamoDbAdapter
from ask_sdk_model import RequestEnvelope
from botocore.config import Config

from skill.persistence import TTL_ATTRIBUTE, expiry, record_key

# Alexa waits 8 s: 1 s to connect, 1 s to read, one retry (at most a second of backoff).
CLIENT_CONFIG = Config(
    connect_timeout=1, read_timeout=1, retries={"total_max_attempts": 2, "mode": "standard"}
)


class VisitsTableAdapter(DynamoDbAdapter):
    """Items `{id, attributes, expires_at}`: `id` is the hashed user id, `expires_at` the TTL."""

    def __init__(self, table_name: str) -> None:
        super().__init__(
            table_name,
            partition_keygen=record_key,
            dynamodb_resource=boto3.resource("dynamodb", config=CLIENT_CONFIG),
        )

    def save_attributes(
        self, request_envelope: RequestEnvelope, attributes: dict[str, Any]
    ) -> None:
        """Like the SDK's, plus the top-level TTL attribute DynamoDB expires items by."""
        try:
            self.dynamodb.Table(self.table_name).put_item(
                Item={
                    self.partition_key_name: self.partition_keygen(request_envelope),
                    self.attribute_name: attributes,
                    TTL_ATTRIBUTE: expiry(),
                }
            )
        except Exception as exc:
            raise PersistenceException(f"DynamoDB write failed: {type(exc).__name__}") from exc
