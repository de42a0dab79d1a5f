/* SPDX-License-Identifier: Apache-2.0 */

ALTER TABLE jobs DROP CONSTRAINT jobs_name_key;
