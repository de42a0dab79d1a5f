DROP TABLE `lots`;
