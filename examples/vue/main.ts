// Registers every <planship-*> element.
import 'planship-portal';
// Types the elements in templates (GlobalComponents): attributes, properties and events.
import type {} from 'planship-portal/vue';
import { createApp } from 'vue';
import App from './App.vue';

createApp(App).mount('#app');
