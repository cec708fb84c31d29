CREATE TABLE IF NOT EXISTS `my-project.pipeline_state.locks` (
  `name` STRING NOT NULL,
  `owner` STRING NOT NULL,
  `acquired_at` TIMESTAMP NOT NULL,
  `expires_at` TIMESTAMP NOT NULL
);

insert into `my-project.pipeline_state.locks` (`name`, `owner`, `acquired_at`, `expires_at`) select @lock_name as `name`, @free_owner as `owner`, CAST(@epoch AS TIMESTAMP) as `acquired_at`, CAST(@epoch AS TIMESTAMP) as `expires_at` from (select 1 as `one`) as `seed` where not exists (select 1 as `one` from `my-project.pipeline_state.locks` where `name` = @lock_name);

update `my-project.pipeline_state.locks` set `owner` = @owner, `acquired_at` = CAST(@now AS TIMESTAMP), `expires_at` = CAST(@expires_at AS TIMESTAMP) where `name` = @lock_name and not exists (select 1 as `one` from `my-project.pipeline_state.locks` as `other` where `other`.`name` = @lock_name and `other`.`owner` <> @owner and `other`.`expires_at` > CAST(@now AS TIMESTAMP));

select `owner`, `expires_at` from `my-project.pipeline_state.locks` where `name` = @lock_name and `expires_at` > CAST(@now AS TIMESTAMP) order by `expires_at` desc;

update `my-project.pipeline_state.locks` set `expires_at` = CAST(@expires_at AS TIMESTAMP) where `name` = @lock_name and `owner` = @owner;

update `my-project.pipeline_state.locks` set `expires_at` = CAST(@now AS TIMESTAMP) where `name` = @lock_name and `owner` = @owner;
